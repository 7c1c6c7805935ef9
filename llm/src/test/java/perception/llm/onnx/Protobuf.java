package perception.llm.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Minimal protobuf wire-format writer: enough to emit ONNX ModelProto files from Java without
 * generated classes (varints, length-delimited fields, packed int64s, little-endian floats).
 */
final class Protobuf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Protobuf varint(int field, long value) {
        tag(field, 0);
        raw(value);
        return this;
    }

    Protobuf string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Protobuf bytes(int field, byte[] value) {
        tag(field, 2);
        raw(value.length);
        out.writeBytes(value);
        return this;
    }

    Protobuf message(int field, Protobuf value) {
        return bytes(field, value.toBytes());
    }

    Protobuf float32(int field, float value) {
        tag(field, 5);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    Protobuf packedInt64(int field, long[] values) {
        Protobuf packed = new Protobuf();
        for (long v : values) packed.raw(v);
        return bytes(field, packed.toBytes());
    }

    int size() {
        return out.size();
    }

    void writeTo(java.io.OutputStream o) throws java.io.IOException {
        out.writeTo(o);
    }

    /** Tag and length of a length-delimited field. */
    static byte[] header(int field, long length) {
        Protobuf p = new Protobuf();
        p.tag(field, 2);
        p.raw(length);
        return p.toBytes();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        raw(((long) field << 3) | wireType);
    }

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
