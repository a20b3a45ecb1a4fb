package io.trainyard.nn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sigmoid over whole ranges with the Vector API: about 5× faster than a {@code Math.exp} loop
 * on AVX-512; tanh from the same exp polynomial, 26× faster than {@code Math.tanh}; and relu and its
 * derivative, which C2 does not vectorise by itself. Loaded only when {@link Simd#ENABLED}.
 *
 * <p><b>Why not {@code lanewise(EXP)}:</b> on Java 17 it is a SIMD math routine once C2 has
 * compiled the loop but a per-lane {@code Math.exp} before that, and the two differ in the last
 * bit, so a run's bits would depend on how warm the JIT is (and so on what else ran in the
 * process). This exp uses only add, multiply, fused multiply-add and bit operations, which are
 * exact IEEE operations in every execution mode: the same bits interpreted or compiled.
 *
 * <p>A range's last values (fewer than a vector) are computed one at a time by scalar code that does
 * exactly a lane's operations, so they have a lane's bits: a masked vector operation is slow on Java
 * 17 and allocates outside C2's intrinsics.
 */
final class VectorActivations {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = SPECIES.withLanes(long.class);
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 in two parts (Cody–Waite): k·LN2_HI is exact for |k| < 2^11. */
    private static final double LN2_HI = 0.6931471803691238;

    private static final double LN2_LO = 1.9082149292705877e-10;
    /** 1.5·2^52: adding it rounds to an integer held in the low mantissa bits. */
    private static final double SHIFTER = 0x1.8p52;

    /** The bits of 1.0: adding k·2^52 to them gives the bits of 2^k. */
    private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

    private static final long MAGNITUDE = 0x7FFF_FFFF_FFFF_FFFFL;
    private static final long SIGN = 0x8000_0000_0000_0000L;
    private static final long INFINITY_BITS = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
    private static final long NAN_BITS = Double.doubleToRawLongBits(Double.NaN);
    /** |x| is clamped to this: e^±708 and 2^k for its k are normal doubles. */
    private static final long LIMIT_BITS = Double.doubleToRawLongBits(708.0);
    /**
     * P(r), highest power first, with e^r ≈ 1 + r·(1 + r·P(r)) on |r| ≤ 0.35 (the reduced range is
     * ln2/2 ≈ 0.347): a Chebyshev fit of degree 9 to (e^r − 1 − r)/r², from {@code bench/exp-coefficients.py}
     * (mpmath, 60 digits). In exact arithmetic the whole polynomial is within 2e-17 of e^r, a tenth of
     * an ulp. It replaced the degree-12 Taylor polynomial: two multiply-adds fewer, and the tail
     * below is one operation shorter, so each vector of exps takes 12 floating-point operations
     * instead of 15. Package-private for the test that {@link #exp} uses all ten.
     */
    static final double[] POLYNOMIAL = {
        2.5101335854788522e-08,
        2.7621324269313687e-07,
        2.7557266442353424e-06,
        2.4801518672268355e-05,
        0.00019841269864364933,
        0.0013888888918918907,
        0.008333333333329796,
        0.04166666666662068,
        0.16666666666666669,
        0.5000000000000001,
    };

    /*
     * The same coefficients as constants: C2 does not trust the elements of a static final array as
     * constants (an array stays mutable), so the loop loaded and broadcast each of the ten on every
     * vector; broadcasts of constants are hoisted out of the loop into registers. Same bits, and the
     * sigmoid 4-5 % faster (0.53 → 0.51 ns a value, 4,000-value rows, AVX-512; docs/benchmarks.md,
     * session 22).
     */
    private static final double P0 = POLYNOMIAL[0];
    private static final double P1 = POLYNOMIAL[1];
    private static final double P2 = POLYNOMIAL[2];
    private static final double P3 = POLYNOMIAL[3];
    private static final double P4 = POLYNOMIAL[4];
    private static final double P5 = POLYNOMIAL[5];
    private static final double P6 = POLYNOMIAL[6];
    private static final double P7 = POLYNOMIAL[7];
    private static final double P8 = POLYNOMIAL[8];
    private static final double P9 = POLYNOMIAL[9];

    /**
     * {@link #sigmoidLoop} behind a call that C2 cannot inline, so that the loop is always compiled as
     * a root of its own. Inlined into a caller (the fused kernel's passes, Gemm's block loop), the
     * sigmoid's vector operations sit 8–9 calls below the loop (sigmoid, exp, polynomial, then the
     * Vector API's own layers before its intrinsics) and passed C2's {@code MaxInlineLevel} (15): they
     * then ran their Java fallbacks, 2–2.5× slower for the life of the JVM. Protecting the loop by
     * call order (called per unit row, it was usually compiled before its callers, and C2 does not
     * inline a method already compiled into a big one) failed in some fresh JVMs (docs/benchmarks.md,
     * sessions 16 and 18). A method handle read from a field that is not final is not a constant to
     * C2, so the call stays a call; it costs a few nanoseconds a row.
     */
    @SuppressWarnings("FieldMayBeFinal") // final would make the handle a constant that C2 inlines through
    private static MethodHandle sigmoidLoop;

    /** {@link #reluLoop} and {@link #reluDerivativeLoop}, behind calls C2 cannot inline, for the same reason. */
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle reluLoop;

    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle reluDerivativeLoop;

    /** {@link #tanhLoop}, behind a call C2 cannot inline, for the same reason as the sigmoid's. */
    @SuppressWarnings("FieldMayBeFinal")
    private static MethodHandle tanhLoop;

    static {
        try {
            MethodType loop = MethodType.methodType(void.class, double[].class, double[].class, int.class, int.class);
            sigmoidLoop = MethodHandles.lookup().findStatic(VectorActivations.class, "sigmoidLoop", loop);
            reluLoop = MethodHandles.lookup().findStatic(VectorActivations.class, "reluLoop", loop);
            reluDerivativeLoop = MethodHandles.lookup().findStatic(VectorActivations.class, "reluDerivativeLoop", loop);
            tanhLoop = MethodHandles.lookup().findStatic(VectorActivations.class, "tanhLoop", loop);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private VectorActivations() {}

    /**
     * {@code out[i] = 1 / (1 + e^-in[i])} for {@code from <= i < to}, within about 2 ulp. Inputs
     * are clamped to [-708, 708] inside the exp, so the smallest result is about 3e-308 where the
     * exact one underflows further; NaN stays NaN.
     */
    static void sigmoid(double[] in, double[] out, int from, int to) {
        invoke(sigmoidLoop, in, out, from, to);
    }

    /**
     * {@code out[i] = in[i] <= 0 ? 0 : in[i]} for {@code from <= i < to}: exactly {@link Activation#RELU}'s
     * scalar rule, NaN and -0 included (-0 gives 0, NaN stays NaN: a comparison with NaN is false). C2 (Java 17) does
     * not vectorise the scalar loop's conditional, which made relu cost as much per value as the
     * vectorised sigmoid (0.4 ns; docs/benchmarks.md, session 22).
     */
    static void relu(double[] in, double[] out, int from, int to) {
        invoke(reluLoop, in, out, from, to);
    }

    /**
     * {@code delta[i] = in[i] > 0 ? delta[i] : 0} for {@code from <= i < to}: relu's derivative (1 above
     * 0, else 0) applied exactly as {@link Activation#RELU}'s scalar rule does.
     */
    static void reluDerivative(double[] delta, double[] in, int from, int to) {
        invoke(reluDerivativeLoop, delta, in, from, to);
    }

    /**
     * {@code out[i] = tanh(in[i])} for {@code from <= i < to}, within about 3 ulp, as
     * {@code sign(x)·E/(E + 2)} with {@code E = e^(2|x|) − 1} from the same polynomial as the
     * sigmoid's exp ({@link #expm1}): taking 1 off a computed e^(2|x|) instead would lose every
     * correct digit of a small |x|. {@code tanh(±0) = ±0}, ±1 from |x| ≈ 19 on, NaN stays NaN.
     *
     * <p><b>Why.</b> {@code Math.tanh} on Java 17 is a scalar library call of about 13.5 ns a value:
     * a homework-shaped tanh network trained ten times slower than the sigmoid one (82.5 against 7.8
     * µs an iteration; docs/benchmarks.md, session 22).
     */
    static void tanh(double[] in, double[] out, int from, int to) {
        invoke(tanhLoop, in, out, from, to);
    }

    private static void invoke(MethodHandle loop, double[] a, double[] b, int from, int to) {
        try {
            loop.invokeExact(a, b, from, to);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) { // the loops declare no checked exception
            throw new IllegalStateException(impossible);
        }
    }

    private static void reluLoop(double[] in, double[] out, int from, int to) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
            DoubleVector v = DoubleVector.fromArray(SPECIES, in, i);
            v.blend(zero, v.compare(VectorOperators.LE, 0.0)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = in[i] <= 0.0 ? 0.0 : in[i];
        }
    }

    /** {@code delta} and {@code in} in {@link #invoke}'s order: the first array is written. */
    private static void reluDerivativeLoop(double[] delta, double[] in, int from, int to) {
        DoubleVector zero = DoubleVector.zero(SPECIES);
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
            VectorMask<Double> active = DoubleVector.fromArray(SPECIES, in, i).compare(VectorOperators.GT, 0.0);
            zero.blend(DoubleVector.fromArray(SPECIES, delta, i), active).intoArray(delta, i);
        }
        for (; i < to; i++) {
            delta[i] = in[i] > 0.0 ? delta[i] : 0.0;
        }
    }

    /**
     * The sigmoid's loop with tanh inside, written out again on purpose: one loop taking the function
     * as a parameter would call it through a site that sees every activation, which C2 does not inline,
     * and every vector passed through that call would be boxed.
     */
    private static void tanhLoop(double[] in, double[] out, int from, int to) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
            tanh(DoubleVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
        // The tail by the lanes' own operations, not a masked vector: on Java 17 a masked vector
        // operation outside C2's intrinsics allocates, and a mini-batch of one row is all tail.
        for (; i < to; i++) {
            out[i] = tanh(in[i]);
        }
    }

    /** tanh of one value by exactly the operations of a lane of {@link #tanh(DoubleVector)}: the same bits. */
    static double tanh(double x) {
        long bits = Double.doubleToRawLongBits(x);
        double magnitude = Double.longBitsToDouble(bits & MAGNITUDE);
        double e = expm1(magnitude + magnitude);
        return Double.longBitsToDouble(Double.doubleToRawLongBits(e / (e + 2.0)) | (bits & SIGN));
    }

    /** One lane of {@link #expm1(DoubleVector)}, operation for operation. */
    private static double expm1(double x) {
        long bits = Double.doubleToRawLongBits(x);
        double clamped = Double.longBitsToDouble(Math.min(bits, LIMIT_BITS));
        double t = Math.fma(clamped, LOG2E, SHIFTER);
        double k = t - SHIFTER;
        double r = Math.fma(k, -LN2_HI, clamped);
        r = Math.fma(k, -LN2_LO, r);
        double q = Math.fma(polynomial(r) * r, r, r);
        double scale = Double.longBitsToDouble((Double.doubleToRawLongBits(t) << 52) + ONE_BITS);
        long nan = ((INFINITY_BITS - bits) >> 63) & NAN_BITS;
        return Double.longBitsToDouble(Double.doubleToRawLongBits(Math.fma(scale, q, scale - 1.0)) | nan);
    }

    private static DoubleVector tanh(DoubleVector x) {
        LongVector bits = (LongVector) x.reinterpretAsLongs();
        DoubleVector magnitude = bits.and(MAGNITUDE).reinterpretAsDoubles();
        DoubleVector e = expm1(magnitude.add(magnitude));
        return ((LongVector) e.div(e.add(2.0)).reinterpretAsLongs())
                .or(bits.and(SIGN))
                .reinterpretAsDoubles();
    }

    private static void sigmoidLoop(double[] in, double[] out, int from, int to) {
        int i = from;
        for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
            sigmoid(DoubleVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
        // The tail by the lanes' own operations, not a masked vector (see tanhLoop).
        for (; i < to; i++) {
            out[i] = sigmoid(in[i]);
        }
    }

    /** The sigmoid of one value by exactly the operations of a lane of {@link #sigmoid(DoubleVector)}: the same bits. */
    static double sigmoid(double x) {
        return 1.0 / (exp(-x) + 1.0);
    }

    /** One lane of {@link #exp(DoubleVector)}, operation for operation. */
    private static double exp(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long magnitude = bits & MAGNITUDE;
        double clamped = Double.longBitsToDouble(Math.min(magnitude, LIMIT_BITS) | (bits & SIGN));
        double t = Math.fma(clamped, LOG2E, SHIFTER);
        double k = t - SHIFTER;
        double r = Math.fma(k, -LN2_HI, clamped);
        r = Math.fma(k, -LN2_LO, r);
        double p = Math.fma(polynomial(r) * r, r, r) + 1.0;
        double scale = Double.longBitsToDouble((Double.doubleToRawLongBits(t) << 52) + ONE_BITS);
        long nan = ((INFINITY_BITS - magnitude) >> 63) & NAN_BITS;
        return Double.longBitsToDouble(Double.doubleToRawLongBits(p * scale) | nan);
    }

    /** One lane of {@link #polynomial(DoubleVector)}. */
    private static double polynomial(double r) {
        double p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r, P6);
        p = Math.fma(p, r, P7);
        p = Math.fma(p, r, P8);
        return Math.fma(p, r, P9);
    }

    private static DoubleVector sigmoid(DoubleVector v) {
        return DoubleVector.broadcast(SPECIES, 1.0).div(exp(v.neg()).add(1.0));
    }

    /**
     * e^x as 2^k·e^r with x = k·ln2 + r, |r| ≤ ln2/2, e^r by a degree-11 polynomial; |x| is clamped
     * to 708 first and NaN stays NaN.
     *
     * <p><b>Why the clamp and the NaN are done on the bits.</b> {@code DoubleVector.max/min} must
     * honour Java's NaN and signed-zero rules, which C2 (Java 17) turns into a blend sequence per
     * call: the sigmoid took 0.91 ns per value with them and takes 0.80 without (AVX-512, 200-value
     * rows as the kernel calls it; docs/benchmarks.md, session 15). The magnitude of a double orders like its bits read as a long, so
     * one integer {@code min} clamps |x|; NaN (bits above infinity's) is marked by the sign of a
     * subtraction and put back at the end. Same results bit for bit on |x| ≤ 708.
     */
    static DoubleVector exp(DoubleVector x) {
        LongVector bits = (LongVector) x.reinterpretAsLongs();
        LongVector magnitude = bits.and(MAGNITUDE);
        x = magnitude.min(LIMIT_BITS).or(bits.and(SIGN)).reinterpretAsDoubles();
        DoubleVector t = x.fma(LOG2E, SHIFTER);
        DoubleVector k = t.sub(SHIFTER);
        DoubleVector r = k.fma(DoubleVector.broadcast(SPECIES, -LN2_HI), x);
        r = k.fma(DoubleVector.broadcast(SPECIES, -LN2_LO), r);
        DoubleVector p = polynomial(r);
        // 1 + (r + r·P·r), small to large: the multiply-add rounds r + r²·P (|·| ≤ 0.42) once, and
        // adding 1 rounds once more. Horner's (r·P + 1)·r + 1, one operation fewer, made the sigmoid
        // 3 ulps off where this keeps it within 2 (VectorActivationsTests).
        p = p.mul(r).fma(r, r).add(1.0);
        // t's low bits hold k (t = 1.5·2^52 + k), and 1.5·2^52 shifted by 52 leaves no bits: k·2^52.
        LongVector scale = ((LongVector) t.reinterpretAsLongs())
                .lanewise(VectorOperators.LSHL, 52L)
                .add(ONE_BITS);
        // all ones where x was NaN (its magnitude's bits exceed infinity's), else 0
        LongVector nan = LongVector.broadcast(LONGS, INFINITY_BITS)
                .sub(magnitude)
                .lanewise(VectorOperators.ASHR, 63L)
                .and(NAN_BITS);
        return ((LongVector) p.mul(scale.reinterpretAsDoubles()).reinterpretAsLongs())
                .or(nan)
                .reinterpretAsDoubles();
    }

    /**
     * e^x − 1 for x ≥ 0 (NaN stays NaN; x is clamped to 708), as 2^k·(e^r − 1) + (2^k − 1) with x =
     * k·ln2 + r and e^r − 1 = r + r²·P(r), the sum in one fused multiply-add: exact for k = 0, where x
     * is small and e^x − 1 would otherwise be mostly rounding. Only for {@link #tanh}, which passes 2|x|.
     */
    static DoubleVector expm1(DoubleVector x) {
        LongVector bits = (LongVector) x.reinterpretAsLongs();
        x = bits.min(LIMIT_BITS).reinterpretAsDoubles();
        DoubleVector t = x.fma(LOG2E, SHIFTER);
        DoubleVector k = t.sub(SHIFTER);
        DoubleVector r = k.fma(DoubleVector.broadcast(SPECIES, -LN2_HI), x);
        r = k.fma(DoubleVector.broadcast(SPECIES, -LN2_LO), r);
        DoubleVector q = polynomial(r).mul(r).fma(r, r);
        DoubleVector scale = ((LongVector) t.reinterpretAsLongs())
                .lanewise(VectorOperators.LSHL, 52L)
                .add(ONE_BITS)
                .reinterpretAsDoubles();
        // all ones where x was NaN (its bits exceed infinity's), else 0
        LongVector nan = LongVector.broadcast(LONGS, INFINITY_BITS)
                .sub(bits)
                .lanewise(VectorOperators.ASHR, 63L)
                .and(NAN_BITS);
        return ((LongVector) scale.fma(q, scale.sub(1.0)).reinterpretAsLongs())
                .or(nan)
                .reinterpretAsDoubles();
    }

    /**
     * P(r) by Horner's scheme, written out rather than looped. In a loop, p is a phi that C2 types
     * only as DoubleVector, and {@code p.fma(...)} is then inlined (and intrinsified) only if the
     * call's receiver profile says Double512Vector. Where C1 had compiled the exp without profiling
     * (tier 2, when the compile queue is long) there was no profile: C2 left a virtual call, p was
     * boxed on every step and the Vector API ran its Java fallbacks, and the sigmoid stayed 2.5×
     * slower for the life of the JVM (6 of 35 fresh JVMs training 4000×100→256→256→1;
     * docs/benchmarks.md, session 18). Straight-line, every receiver is the exact result of the step
     * before. A method of its own because {@link #exp} must stay under C2's FreqInlineSize (325 bytes
     * of bytecode) to be inlined into the sigmoid's loop: with these lines inside it, it was 375
     * and was called out of line, boxing its argument and result (InliningBudgetTests checks both
     * sizes).
     */
    private static DoubleVector polynomial(DoubleVector r) {
        DoubleVector p = DoubleVector.broadcast(SPECIES, P0).fma(r, DoubleVector.broadcast(SPECIES, P1));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P2));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P3));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P4));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P5));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P6));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P7));
        p = p.fma(r, DoubleVector.broadcast(SPECIES, P8));
        return p.fma(r, DoubleVector.broadcast(SPECIES, P9));
    }
}
