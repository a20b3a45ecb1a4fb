/**
 * The training engine: a fully-connected network trained on least-squares loss by gradient
 * descent, momentum or adam, full batch or in mini-batches, optionally stopping early, and
 * resumable bit for bit from a checkpoint. Framework-free on purpose (no Spring, no Jackson, no
 * HTTP) so that it can be read, tested and benchmarked on its own; {@code ArchitectureTests} keeps
 * it that way.
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
 *   <li>Update ({@link io.trainyard.nn.Optimizer}), the same for every weight matrix and bias
 *       vector, with {@code g} its SSE gradient at step {@code t = 1, 2, …}: gd
 *       {@code W ← W − alpha·g}; momentum {@code v ← beta·v + g, W ← W − alpha·v}; adam
 *       {@code m ← beta1·m + (1 − beta1)·g, v ← beta2·v + (1 − beta2)·g²,
 *       W ← W − alpha·(m/(1 − beta1^t)) / (sqrt(v/(1 − beta2^t)) + epsilon)}, element-wise, with
 *       {@code v} and {@code m} starting at 0.</li>
 *   <li>Full batch: one iteration is one update with the gradient over all training rows.
 *       Mini-batches of B rows ({@link io.trainyard.nn.TrainingPlan#batchSize()}): an iteration is
 *       an epoch; each epoch permutes the rows and makes one update per run of B consecutive rows
 *       of the permutation (the last batch may be smaller), with the SSE gradient over those rows.
 *       The permutation comes from a SplitMix64 generator that starts at the plan's seed and is
 *       never reset: {@code s ← s + 0x9E3779B97F4A7C15; z ← (s ⊕ s>>>30)·0xBF58476D1CE4E5B9;
 *       z ← (z ⊕ z>>>27)·0x94D049BB133111EB; next = z ⊕ z>>>31} (mod 2^64), and Fisher–Yates from
 *       {@code p = [0..n−1]}: for {@code i = n−1} down to 1 swap {@code p[i]} and
 *       {@code p[next() mod (i+1)]} (unsigned). A batch size of at least n is full batch and draws
 *       nothing.</li>
 *   <li>History point {@code i} (train, validation and test loss over all their rows; gradient
 *       norms over all training rows; weight norms) is taken with the weights after {@code i}
 *       iterations, so a run of {@code iterations} reports {@code iterations + 1} points.</li>
 *   <li>Early stopping ({@link io.trainyard.nn.EarlyStopping}): {@code best} is the monitored loss
 *       at point 0; at each later point, {@code loss < best − minDelta} makes it the new best
 *       ({@code wait ← 0}), anything else adds 1 to {@code wait}; the run ends after the first
 *       point where {@code wait = patience}, keeping the weights and losses of the best point when
 *       {@code restoreBest}.</li>
 *   <li>Diagnostics ({@link io.trainyard.nn.Diagnostics}): per {@code Wl} the gradient and weight
 *       norms and {@code alpha·‖g‖/‖W‖}; flags for a gradient norm below 1e-4 of the largest
 *       (vanishing), above 1e4 times its point-0 value or a diverged loss (exploding), at least half
 *       of a relu layer's units zero on every training row (dead), at least half of a sigmoid or
 *       tanh layer's activations beyond 0.01/0.99 or ±0.99 (saturated).</li>
 *   <li>Preprocessing, fitted on training rows only: polynomial basis expansion of degree p appends
 *       {@code x^2..x^p} of every column (no cross terms), then z-score normalisation with the
 *       population standard deviation (a standard deviation of 0 acts as 1).</li>
 * </ul>
 *
 * <p>Matrices are {@link org.apache.commons.math3.linear.RealMatrix} at the public face. Inside,
 * the hot loop works on row-major {@code double[]} buffers that are allocated once per run (a
 * mini-batch is gathered into a preallocated buffer), so an update allocates nothing of its own;
 * every reduction runs in a fixed order, which makes a run bit-for-bit reproducible for a given
 * seed. A {@link io.trainyard.nn.TrainingState} holds everything that evolves during a run, so a
 * run resumed from one is bit-identical to a run never interrupted.
 */
package io.trainyard.nn;
