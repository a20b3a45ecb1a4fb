/**
 * The training engine: a fully-connected network trained by full-batch gradient descent on
 * least-squares loss. Framework-free on purpose (no Spring, no Jackson, no HTTP) so that it can be
 * read, tested and benchmarked on its own; {@code ArchitectureTests} keeps it that way.
 *
 * <h2>The mathematics</h2>
 * <ul>
 *   <li>{@code X} is n×d with one sample a row; targets {@code Y} are n×k.</li>
 *   <li>{@code layerSizes = [d, h1, …, hm, k]}; weights {@code W0..WL}, {@code Wl} of shape
 *       {@code layerSizes[l] × layerSizes[l+1]}; with bias also {@code b0..bL} of length
 *       {@code layerSizes[l+1]}. Initial values are N(0,1)·scale drawn from the caller's seeded
 *       generator, in the order W0, b0, W1, b1, ….</li>
 *   <li>Forward: {@code A0 = IN0 = X}; {@code IN(l+1) = Al·Wl (+ bl)}; {@code A(l+1) = act(IN(l+1))}
 *       for hidden layers; the output layer is linear, {@code Ŷ = AL·WL (+ bL)}.</li>
 *   <li>Loss: {@code SSE = Σ (y − ŷ)²} over samples and outputs. Backpropagation starts from
 *       {@code Δ = 2(Ŷ − Y)}; {@code ∂SSE/∂Wl = Alᵀ·Δ}, {@code ∂SSE/∂bl} is the column sum of Δ,
 *       and the error moves down one layer as {@code Δ ← (Δ·Wlᵀ) ⊙ act'(INl)}.</li>
 *   <li>One iteration is one full-batch step {@code W ← W − alpha·∇W}. History point {@code i}
 *       (loss and gradient norms) is taken with the weights after {@code i} updates, so a run of
 *       {@code iterations} steps reports {@code iterations + 1} points.</li>
 *   <li>Preprocessing, fitted on training rows only: polynomial basis expansion of degree p appends
 *       {@code x^2..x^p} of every column (no cross terms), then z-score normalisation with the
 *       population standard deviation (a standard deviation of 0 acts as 1).</li>
 * </ul>
 *
 * <p>Matrices are {@link org.apache.commons.math3.linear.RealMatrix} at the public face. Inside,
 * the hot loop works on row-major {@code double[]} buffers that are allocated once per run, so an
 * iteration allocates nothing; every reduction runs in a fixed order, which makes a run
 * bit-for-bit reproducible for a given seed.
 */
package io.trainyard.nn;
