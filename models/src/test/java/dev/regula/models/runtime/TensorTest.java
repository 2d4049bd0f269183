package dev.regula.models.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.models.ElemType;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void factoriesCopyAndAccessorsReturnCopies() {
        float[] data = {1f, 2f, 3f, 4f, 5f, 6f};
        long[] shape = {2, 3};
        Tensor t = Tensor.ofFloats(data, shape);
        data[0] = 99f;
        shape[0] = 7;
        assertThat(t.floats()[0]).isEqualTo(1f);
        assertThat(t.shape()).containsExactly(2, 3);
        t.floats()[1] = 99f;
        t.shape()[1] = 9;
        assertThat(t.floats()[1]).isEqualTo(2f);
        assertThat(t.dim(1)).isEqualTo(3);
        assertThat(t.rank()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.type()).isEqualTo(ElemType.FLOAT);
    }

    @Test
    void scalarsHaveEmptyShapeAndOneElement() {
        Tensor s = Tensor.ofLongs(new long[] {5});
        assertThat(s.rank()).isZero();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.getDouble(0)).isEqualTo(5.0);
    }

    @Test
    void shapeMustMatchTheDataAndBeNonNegative() {
        assertThatThrownBy(() -> Tensor.ofFloats(new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor shape [2, 3] holds 6 elements, but the float data has 5");
        assertThatThrownBy(() -> Tensor.ofLongs(new long[0], 2, -1))
                .hasMessage("Tensor shape [2, -1] has negative dimension -1 at axis 1; every dimension must be >= 0");
        assertThatThrownBy(() -> Tensor.ofInts(new int[0], Long.MAX_VALUE, 2)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void accessorOfAnotherTypeFailsClearly() {
        Tensor t = Tensor.ofLongs(new long[] {1, 2}, 2);
        assertThatThrownBy(t::floats).isInstanceOf(IllegalStateException.class)
                .hasMessage("Tensor holds int64 elements, not float");
    }

    @Test
    void equalityIsByTypeShapeAndContent() {
        assertThat(Tensor.ofFloats(new float[] {1, 2}, 2)).isEqualTo(Tensor.ofFloats(new float[] {1, 2}, 2))
                .hasSameHashCodeAs(Tensor.ofFloats(new float[] {1, 2}, 2))
                .isNotEqualTo(Tensor.ofFloats(new float[] {1, 2}, 1, 2))
                .isNotEqualTo(Tensor.ofInts(new int[] {1, 2}, 2));
        assertThat(Tensor.ofBooleans(new boolean[] {true}, 1).getDouble(0)).isEqualTo(1.0);
        assertThat(Tensor.ofFloats(new float[] {1, 2}, 2)).hasToString("Tensor(float [2])");
    }

    @Test
    void matricesFlattenRowMajorAndRejectRaggedRows() {
        Tensor m = Tensor.ofMatrix(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(m.shape()).containsExactly(2, 3);
        assertThat(m.floats()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Tensor.ofMatrix(new float[0][]).shape()).containsExactly(0, 0);
        assertThatThrownBy(() -> Tensor.ofMatrix(new float[][] {{1, 2}, null}))
                .hasMessage("Matrix row 1 is null, expected 2 columns like row 0");
    }
}
