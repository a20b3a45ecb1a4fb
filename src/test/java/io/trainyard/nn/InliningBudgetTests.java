package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The bytecode sizes (and the one call) the SIMD code's speed depends on. C2 inlines a frequently called method only
 * up to {@code FreqInlineSize} (325 bytes of bytecode): the exp and its polynomial must stay under
 * it to be inlined into the sigmoid's loop (called out of line, every vector they take and return
 * is boxed: 2.5× slower), and {@link VectorKernels}' methods must stay over it, so that they are
 * never inlined into a deeper caller where their Vector API intrinsics would pass
 * {@code MaxInlineLevel} (docs/benchmarks.md, sessions 16 and 18). Nothing else would notice a
 * change that crosses the line: the results stay the same, only slower.
 */
class InliningBudgetTests {

    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void theExpAndItsPolynomialAreInlinedIntoTheSigmoidsLoop() throws IOException {
        Map<String, Integer> sizes = codeLengths(VectorActivations.class);

        assertThat(sizes)
                .hasEntrySatisfying(
                        "exp(Ljdk/incubator/vector/DoubleVector;)Ljdk/incubator/vector/DoubleVector;",
                        size -> assertThat(size).isLessThanOrEqualTo(FREQ_INLINE_SIZE))
                .hasEntrySatisfying(
                        "polynomial(Ljdk/incubator/vector/DoubleVector;)Ljdk/incubator/vector/DoubleVector;",
                        size -> assertThat(size).isLessThanOrEqualTo(FREQ_INLINE_SIZE))
                .hasEntrySatisfying(
                        "sigmoid(Ljdk/incubator/vector/DoubleVector;)Ljdk/incubator/vector/DoubleVector;",
                        size -> assertThat(size).isLessThanOrEqualTo(FREQ_INLINE_SIZE))
                .hasEntrySatisfying(
                        "expm1(Ljdk/incubator/vector/DoubleVector;)Ljdk/incubator/vector/DoubleVector;",
                        size -> assertThat(size).isLessThanOrEqualTo(FREQ_INLINE_SIZE))
                .hasEntrySatisfying(
                        "tanh(Ljdk/incubator/vector/DoubleVector;)Ljdk/incubator/vector/DoubleVector;",
                        size -> assertThat(size).isLessThanOrEqualTo(FREQ_INLINE_SIZE));
    }

    @Test
    void theSigmoidsLoopIsCalledThroughAHandleThatC2CannotInlineThrough() throws NoSuchFieldException {
        // A final field would make the handle a constant, and C2 would inline the loop into its callers.
        assumeTrue(Simd.ENABLED, "reflecting on VectorActivations needs the Vector API module");
        for (String loop : new String[] {"sigmoidLoop", "tanhLoop", "reluLoop", "reluDerivativeLoop"}) {
            Field handle = VectorActivations.class.getDeclaredField(loop);

            assertThat(Modifier.isStatic(handle.getModifiers())).as(loop).isTrue();
            assertThat(Modifier.isFinal(handle.getModifiers())).as(loop).isFalse();
        }
    }

    @Test
    void theKernelsLoopsAreNeverInlinedIntoTheirCallers() throws IOException {
        Map<String, Integer> sizes = codeLengths(VectorKernels.class);
        // fourAgainstOne is the one shorter helper, called only from block4x4 (see VectorKernels).
        sizes.keySet()
                .removeIf(method ->
                        method.startsWith("<") || method.startsWith("lanes(") || method.startsWith("fourAgainstOne("));

        assertThat(sizes).hasSizeGreaterThanOrEqualTo(4);
        assertThat(sizes)
                .allSatisfy((method, size) -> assertThat(size).as(method).isGreaterThan(FREQ_INLINE_SIZE));
    }

    /** Each method's bytecode length (its Code attribute), by name and descriptor, read from the class file. */
    static Map<String, Integer> codeLengths(Class<?> type) throws IOException {
        Map<String, Integer> lengths = new LinkedHashMap<>();
        try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class");
                DataInputStream in = new DataInputStream(raw)) {
            in.skipBytes(8); // magic, minor and major version
            int constants = in.readUnsignedShort();
            String[] utf8 = new String[constants];
            for (int i = 1; i < constants; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++; // a long or double takes two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    default -> throw new IOException("unknown constant pool tag " + tag);
                }
            }
            in.skipBytes(6); // access flags, this class, super class
            in.skipBytes(2 * in.readUnsignedShort()); // interfaces
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipBytes(6);
                skipAttributes(in);
            }
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.skipBytes(2);
                String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (attribute.equals("Code")) {
                        in.skipBytes(4); // max stack, max locals
                        lengths.put(name, in.readInt());
                        in.skipBytes(length - 8);
                    } else {
                        in.skipBytes(length);
                    }
                }
            }
        }
        return lengths;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
