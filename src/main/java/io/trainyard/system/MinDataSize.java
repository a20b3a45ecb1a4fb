package io.trainyard.system;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.springframework.util.unit.DataSize;

/**
 * A configured {@link DataSize} of at least {@link #value} bytes; unset (null) passes, since unset
 * sizes mean "derived from the heap". Bean Validation has no constraint for Spring's {@code DataSize},
 * and a negative one ({@code -1MB} binds) was taken as "no limit" or "no budget" further on.
 */
@Documented
@Constraint(validatedBy = MinDataSize.Check.class)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface MinDataSize {

    /** The least number of bytes allowed. */
    long value();

    String message() default "must be at least {value} bytes (a size such as 64KB, 4MB or 1GB; a bare number is bytes)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The check behind the annotation. */
    class Check implements ConstraintValidator<MinDataSize, DataSize> {

        private long least;

        @Override
        public void initialize(MinDataSize annotation) {
            least = annotation.value();
        }

        @Override
        public boolean isValid(DataSize size, ConstraintValidatorContext context) {
            return size == null || size.toBytes() >= least;
        }
    }
}
