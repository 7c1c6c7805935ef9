package perception.tests.hostile;

/** Hostile media written by the tests themselves (no binaries in the repository). */
public final class HostileMedia {
    private HostileMedia() {
    }

    /**
     * A FLAC file of digital silence, written here: STREAMINFO declaring {@code declaredSeconds} at
     * {@code rate} Hz, then {@code actualSeconds} of 65,535-sample frames, each one CONSTANT subframe
     * (12 bytes a frame: 590 s at 384 kHz is 41 KB).
     */
    public static byte[] silentFlac(int rate, double declaredSeconds, double actualSeconds) {
        final int block = 65535;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("fLaC".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[] {(byte) 0x80, 0, 0, 34}); // last metadata block, STREAMINFO, 34 bytes
        long declared = (long) (declaredSeconds * rate);
        java.math.BigInteger info = java.math.BigInteger.valueOf(block).shiftLeft(16).or(java.math.BigInteger.valueOf(block)) // min, max block size
                .shiftLeft(48) // min and max frame size: unknown
                .shiftLeft(20).or(java.math.BigInteger.valueOf(rate))
                .shiftLeft(3) // channels - 1 = 0
                .shiftLeft(5).or(java.math.BigInteger.valueOf(15)) // bits per sample - 1
                .shiftLeft(36).or(java.math.BigInteger.valueOf(declared))
                .shiftLeft(128); // MD5 unknown
        byte[] bytes = info.toByteArray();
        byte[] streamInfo = new byte[34];
        System.arraycopy(bytes, Math.max(0, bytes.length - 34), streamInfo, Math.max(0, 34 - bytes.length), Math.min(34, bytes.length));
        out.writeBytes(streamInfo);
        long samples = (long) (actualSeconds * rate);
        for (long n = 0, done = 0; done < samples; n++, done += block) {
            int size = (int) Math.min(block, samples - done);
            java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
            f.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xF8, 0x70, 0x08}); // fixed blocks; 16-bit size at the end; rate from STREAMINFO; mono, 16 bits
            if (n < 0x80) {
                f.write((int) n);
            } else if (n < 0x800) {
                f.write(0xC0 | (int) (n >> 6));
                f.write(0x80 | (int) (n & 0x3F));
            } else {
                f.write(0xE0 | (int) (n >> 12));
                f.write(0x80 | (int) ((n >> 6) & 0x3F));
                f.write(0x80 | (int) (n & 0x3F));
            }
            f.write((size - 1) >> 8);
            f.write((size - 1) & 0xFF);
            f.write(crc8(f.toByteArray()));
            f.writeBytes(new byte[] {0, 0, 0}); // CONSTANT subframe, value 0
            byte[] frame = f.toByteArray();
            int crc = crc16(frame);
            out.writeBytes(frame);
            out.write(crc >> 8);
            out.write(crc & 0xFF);
        }
        return out.toByteArray();
    }

    private static int crc8(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= x & 0xFF;
            for (int i = 0; i < 8; i++) crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
        }
        return crc;
    }

    private static int crc16(byte[] b) {
        int crc = 0;
        for (byte x : b) {
            crc ^= (x & 0xFF) << 8;
            for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return crc;
    }
}
