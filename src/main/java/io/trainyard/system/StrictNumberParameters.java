package io.trainyard.system;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.beans.PropertyEditorRegistrar;
import org.springframework.beans.PropertyEditorRegistry;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.support.ConfigurableWebBindingInitializer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * One grammar for the numbers of query parameters: ASCII decimal, as in JSON bodies and CSV cells. Spring's
 * default editors read {@code ?limit=0x1F4} and {@code #3} as hex, {@code Integer.parseInt} takes any
 * Unicode digit (a full-width '３'), and {@code Double.parseDouble} hex floats, type suffixes and NaN: such a
 * value is now refused as "'0x10' is not a whole number" (a whole number too large for the parameter keeps
 * its range message, {@link ApiExceptionHandler}).
 *
 * <p>Editors, not converters: a converter that refuses a value hands it on to Spring's default editor,
 * which then takes the hex after all; an editor registered for the type is the only one asked.
 *
 * <p><b>Why a registrar on the binding initializer, not an {@code @InitBinder} advice.</b> Spring MVC
 * makes a data binder for every path variable and query parameter, and an advice's {@code @InitBinder}
 * method is then looked up by its annotation and invoked reflectively each time: 4.4 % of a status
 * read's request-thread samples in a profile (docs/benchmarks.md, session 33; the throughput gain was
 * within the machine's noise). The binding initializer every binder goes through calls this registrar
 * directly.
 */
@Configuration(proxyBeanMethods = false)
class StrictNumberParameters implements PropertyEditorRegistrar {

    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

    /** Adds this registrar to the initializer of the binders Spring MVC makes for request parameters. */
    @Bean
    static BeanPostProcessor strictNumberEditors() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof RequestMappingHandlerAdapter adapter
                        && adapter.getWebBindingInitializer()
                                instanceof ConfigurableWebBindingInitializer initializer) {
                    PropertyEditorRegistrar[] before = initializer.getPropertyEditorRegistrars();
                    PropertyEditorRegistrar[] all = before == null
                            ? new PropertyEditorRegistrar[1]
                            : java.util.Arrays.copyOf(before, before.length + 1);
                    all[all.length - 1] = new StrictNumberParameters();
                    initializer.setPropertyEditorRegistrars(all);
                }
                return bean;
            }
        };
    }

    @Override
    public void registerCustomEditors(PropertyEditorRegistry binder) {
        binder.registerCustomEditor(int.class, new Strict(whole(Integer::valueOf)));
        binder.registerCustomEditor(Integer.class, new Strict(whole(Integer::valueOf)));
        binder.registerCustomEditor(long.class, new Strict(whole(Long::valueOf)));
        binder.registerCustomEditor(Long.class, new Strict(whole(Long::valueOf)));
        binder.registerCustomEditor(double.class, new Strict(StrictNumberParameters::decimal));
        binder.registerCustomEditor(Double.class, new Strict(StrictNumberParameters::decimal));
    }

    private static Function<String, Object> whole(Function<String, ? extends Number> parse) {
        return value -> {
            if (!WHOLE.matcher(value).matches()) {
                throw new NumberFormatException("not a whole number: " + value);
            }
            return parse.apply(value); // too large for the type: NumberFormatException, then a range message
        };
    }

    private static Object decimal(String value) {
        if (!Decimals.isDecimal(value)) {
            throw new NumberFormatException("not a decimal number: " + value);
        }
        return Double.valueOf(value);
    }

    /** Parses with {@code parse}; a blank value is null, as with Spring's own editors (the default, or missing). */
    private static final class Strict extends PropertyEditorSupport {

        private final Function<String, Object> parse;

        Strict(Function<String, Object> parse) {
            this.parse = parse;
        }

        @Override
        public void setAsText(String text) {
            String value = text == null ? "" : text.strip();
            setValue(value.isEmpty() ? null : parse.apply(value));
        }
    }
}
