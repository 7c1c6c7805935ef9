package perception.vision;

/** Image formats recognised from their first bytes (never from a file name or content type). */
public enum ImageFormat {
    JPEG("image/jpeg"), PNG("image/png"), GIF("image/gif"), BMP("image/bmp"), WEBP("image/webp"), TIFF("image/tiff");

    private final String mimeType;

    ImageFormat(String mimeType) {
        this.mimeType = mimeType;
    }

    public String mimeType() {
        return mimeType;
    }
}
