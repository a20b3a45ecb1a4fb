package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The digest's bytes are the documented ones: docs/api.md's Python line gives the same hex. */
class DataDigestTests {

    @Test
    void matchesPythonsHashOfTheBigEndianRowsAcrossBufferBoundaries() {
        // 9,000 values: more than one 64 KiB buffer. Expected value from docs/api.md's recipe:
        // hashlib.sha256(b''.join(struct.pack('>d', v) for i in range(3000)
        //                         for v in (i*0.25, -i/3.0, i*i+0.1))).hexdigest()
        double[][] x = new double[3000][];
        double[][] y = new double[3000][];
        for (int i = 0; i < 3000; i++) {
            x[i] = new double[] {i * 0.25, -i / 3.0};
            y[i] = new double[] {(double) i * i + 0.1};
        }

        assertThat(DataDigest.sha256(x, y))
                .isEqualTo("5abf391bee906627d4522cde9a83b9e403de8f046e43d9b2fbf991f287f9be93");
    }

    @Test
    void noRowsHashNoBytes() {
        assertThat(DataDigest.sha256(new double[0][], new double[0][]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void rowCountsMustAgree() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DataDigest.sha256(new double[2][1], new double[1][1]))
                .withMessageContaining("2 rows");
    }
}
