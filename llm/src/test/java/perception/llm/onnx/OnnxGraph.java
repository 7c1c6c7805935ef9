package perception.llm.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX graph (and wraps it in a ModelProto) directly in protobuf wire format. Used to
 * write small models whose answers are known, in the exact input/output layouts of Hugging Face
 * ONNX exports, so the runtime can be tested without downloadable weights.
 */
public final class OnnxGraph {

    /** ONNX TensorProto.DataType values used here. */
    public enum Type {
        FLOAT(1), INT32(6), INT64(7), BOOL(9), FLOAT16(10), DOUBLE(11);

        public final int code;

        Type(int code) {
            this.code = code;
        }
    }

    /** One node attribute, already encoded. */
    public record Attr(Protobuf proto) {
    }

    private final String name;
    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private final List<Protobuf> inputs = new ArrayList<>();
    private final List<Protobuf> outputs = new ArrayList<>();
    private int counter;

    public OnnxGraph(String name) {
        this.name = name;
    }

    /** Declares a graph input; each dim is a number (fixed) or a String (symbolic, e.g. "batch_size"). */
    public OnnxGraph input(String tensor, Type type, Object... dims) {
        inputs.add(valueInfo(tensor, type, dims));
        return this;
    }

    public OnnxGraph output(String tensor, Type type, Object... dims) {
        outputs.add(valueInfo(tensor, type, dims));
        return this;
    }

    /** Adds a node and returns its first output, a fresh name. */
    public String op(String opType, Attr[] attrs, String... in) {
        String out = opType.toLowerCase() + "_" + (counter++);
        node(opType, in, new String[] {out}, attrs);
        return out;
    }

    public String op(String opType, String... in) {
        return op(opType, new Attr[0], in);
    }

    public void node(String opType, String[] in, String[] out, Attr... attrs) {
        Protobuf n = new Protobuf();
        for (String i : in) n.string(1, i);
        for (String o : out) n.string(2, o);
        n.string(3, opType + "_node_" + (counter++));
        n.string(4, opType);
        for (Attr a : attrs) n.message(5, a.proto());
        nodes.add(n);
    }

    public String constFloat(float[] data, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) b.putFloat(f);
        return initializer(Type.FLOAT, b.array(), dims);
    }

    public String constDouble(double[] data, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : data) b.putDouble(d);
        return initializer(Type.DOUBLE, b.array(), dims);
    }

    public String constLong(long[] data, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : data) b.putLong(l);
        return initializer(Type.INT64, b.array(), dims);
    }

    private String initializer(Type type, byte[] raw, long[] dims) {
        String tensor = "const_" + (counter++);
        initializers.add(tensor(tensor, type, raw, dims));
        return tensor;
    }

    static Protobuf tensor(String tensor, Type type, byte[] raw, long[] dims) {
        Protobuf t = new Protobuf();
        for (long d : dims) t.varint(1, d);
        t.varint(2, type.code);
        t.string(8, tensor);
        t.bytes(9, raw);
        return t;
    }

    public static Attr attr(String name, long value) {
        return new Attr(new Protobuf().string(1, name).varint(3, value).varint(20, 2));
    }

    public static Attr attr(String name, float value) {
        return new Attr(new Protobuf().string(1, name).float32(2, value).varint(20, 1));
    }

    public static Attr attrInts(String name, long... values) {
        Protobuf p = new Protobuf().string(1, name);
        for (long v : values) p.varint(8, v);
        return new Attr(p.varint(20, 7));
    }

    public static Attr attr(String name, OnnxGraph subgraph) {
        return new Attr(new Protobuf().string(1, name).message(6, subgraph.graphProto()).varint(20, 5));
    }

    /** A 0-d tensor attribute (for ConstantOfShape's value). */
    public static Attr attrScalar(String name, Type type, byte[] raw) {
        return new Attr(new Protobuf().string(1, name).message(5, tensor("value", type, raw, new long[] {1})).varint(20, 4));
    }

    private static Protobuf valueInfo(String tensor, Type type, Object[] dims) {
        Protobuf shape = new Protobuf();
        for (Object d : dims) {
            Protobuf dim = new Protobuf();
            if (d instanceof String s) dim.string(2, s);
            else dim.varint(1, ((Number) d).longValue());
            shape.message(1, dim);
        }
        Protobuf tensorType = new Protobuf().varint(1, type.code);
        if (dims.length > 0 || type != null) tensorType.message(2, shape);
        return new Protobuf().string(1, tensor).message(2, new Protobuf().message(1, tensorType));
    }

    /** Output of a subgraph with element type only (rank unknown). */
    public OnnxGraph outputAnyShape(String tensor, Type type) {
        Protobuf tensorType = new Protobuf().varint(1, type.code);
        outputs.add(new Protobuf().string(1, tensor).message(2, new Protobuf().message(1, tensorType)));
        return this;
    }

    /** An initializer given as raw little-endian bytes (large weights: no extra copies). */
    public String constRaw(Type type, byte[] raw, long... dims) {
        return initializer(type, raw, dims);
    }

    /**
     * Writes the model to a file, streaming the initializers one by one, so models of hundreds of
     * megabytes are not copied into one array (protobuf fields may come in any order).
     */
    public void writeModel(java.nio.file.Path file) throws java.io.IOException {
        Protobuf g = graphProtoWithout();
        long graphLen = g.toBytes().length;
        for (Protobuf i : initializers) graphLen += fieldSize(5, i.size());
        Protobuf head = new Protobuf().varint(1, 8).string(2, "perception-llm-testmodel")
                .message(8, new Protobuf().string(1, "").varint(2, 17));
        try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 20)) {
            out.write(head.toBytes());
            out.write(Protobuf.header(7, graphLen));
            out.write(g.toBytes());
            for (Protobuf i : initializers) {
                out.write(Protobuf.header(5, i.size()));
                i.writeTo(out);
            }
        }
    }

    private static long fieldSize(int field, long len) {
        return Protobuf.header(field, len).length + len;
    }

    private Protobuf graphProtoWithout() {
        Protobuf g = new Protobuf();
        for (Protobuf n : nodes) g.message(1, n);
        g.string(2, name);
        for (Protobuf i : inputs) g.message(11, i);
        for (Protobuf o : outputs) g.message(12, o);
        return g;
    }

    Protobuf graphProto() {
        Protobuf g = new Protobuf();
        for (Protobuf n : nodes) g.message(1, n);
        g.string(2, name);
        for (Protobuf i : initializers) g.message(5, i);
        for (Protobuf i : inputs) g.message(11, i);
        for (Protobuf o : outputs) g.message(12, o);
        return g;
    }

    /** The complete model file (IR version 8, default-domain opset 17). */
    public byte[] toModel() {
        Protobuf opset = new Protobuf().string(1, "").varint(2, 17);
        return new Protobuf().varint(1, 8).string(2, "perception-llm-testmodel").message(7, graphProto())
                .message(8, opset).toBytes();
    }
}
