package perception.llm;

/** Part of a message: text, or an encoded image (PNG/JPEG bytes as sent by the client). */
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {
        public Text {
            if (text == null) throw new IllegalArgumentException("text part without text");
        }
    }

    /** An encoded image; {@code mimeType} as given in its data URL (image/png, image/jpeg, ...). */
    record Image(byte[] bytes, String mimeType) implements ContentPart {
        public Image {
            if (bytes == null || bytes.length == 0) throw new IllegalArgumentException("image part is empty");
        }

        public String dataUrl() {
            return "data:" + mimeType + ";base64," + java.util.Base64.getEncoder().encodeToString(bytes);
        }
    }
}
