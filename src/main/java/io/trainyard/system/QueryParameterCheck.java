package io.trainyard.system;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Query parameters are held to what an endpoint declares, as JSON bodies are to their fields: a
 * request that changes something ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) with a
 * query parameter its endpoint does not take, or one of its parameters without a value, is refused
 * with 400 before anything is done. A typo must not do something other than what was asked:
 * {@code POST /jobs?dryrun=true} queued a real job, and so did {@code ?dryRun=}. On every method, a
 * parameter that takes one value and is given several is refused too ({@code ?status=RUNNING&status=SUCCEEDED}
 * filtered on the first alone). Reads keep accepting parameters they do not know (a cache-busting
 * {@code ?_=…} harms nothing). {@code format}, read by content negotiation on any endpoint, is always allowed.
 * Checked on the raw query string, never on a form body.
 */
@Configuration
class QueryParameterCheck implements WebMvcConfigurer, HandlerInterceptor {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    /** What a handler declares: every name it reads, and those of them that take one value. */
    private record Declared(Set<String> names, Set<String> single, boolean open) {}

    private final Map<Method, Declared> declared = new ConcurrentHashMap<>();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Before the quota and full-queue checks: a request that is wrong is 400, whatever else holds.
        registry.addInterceptor(this).order(Ordered.HIGHEST_PRECEDENCE);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String query = request.getQueryString();
        if (query == null
                || query.isEmpty()
                || request.getDispatcherType() != DispatcherType.REQUEST
                || !(handler instanceof HandlerMethod method)) {
            return true;
        }
        Map<String, List<String>> given = QueryString.parse(query);
        if (given == null) {
            return true; // not decodable: the binding answers for it as before
        }
        Declared declares = declared.computeIfAbsent(method.getMethod(), m -> declared(method));
        boolean changes = !READS.contains(request.getMethod());
        List<FieldError> errors = new ArrayList<>();
        given.forEach((name, values) -> {
            if (declares.names().contains(name)) {
                if (values.size() > 1 && declares.single().contains(name)) {
                    errors.add(new FieldError(name, "is given " + values.size() + " times; it takes one value"));
                } else if (changes && values.stream().anyMatch(String::isBlank)) {
                    errors.add(new FieldError(name, "has no value: give one (?" + name + "=…) or leave it out"));
                }
            } else if (changes && !declares.open()) {
                errors.add(new FieldError(name, unknown(name, declares.names())));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return true;
    }

    private static String unknown(String name, Set<String> declared) {
        Set<String> names = new TreeSet<>(declared);
        names.remove(FormatParameterStrategy.PARAMETER); // allowed everywhere: not worth listing
        for (String known : names) {
            if (known.equalsIgnoreCase(name)) {
                return "is not a query parameter of this endpoint; did you mean '" + known + "'?";
            }
        }
        return names.isEmpty()
                ? "is not a query parameter of this endpoint, which takes none"
                : "is not a query parameter of this endpoint, which takes " + String.join(", ", names);
    }

    private static Declared declared(HandlerMethod method) {
        Set<String> names = new TreeSet<>();
        Set<String> single = new TreeSet<>();
        // Read by content negotiation on every endpoint, one value.
        names.add(FormatParameterStrategy.PARAMETER);
        single.add(FormatParameterStrategy.PARAMETER);
        boolean open = false;
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (param == null) {
                if (parameter.hasParameterAnnotation(org.springdoc.core.annotations.ParameterObject.class)) {
                    Class<?> type = parameter.getParameterType();
                    if (type.isRecord()) {
                        // A record of query parameters (HistoryQuery): one value each, by component name.
                        for (var component : type.getRecordComponents()) {
                            names.add(component.getName());
                            single.add(component.getName());
                        }
                    } else {
                        open = true;
                    }
                }
                continue;
            }
            Class<?> type = parameter.getParameterType();
            if (Map.class.isAssignableFrom(type)) {
                open = true;
                continue;
            }
            String name = StringUtils.hasText(param.name()) ? param.name() : parameter.getParameterName();
            if (name == null) {
                open = true; // compiled without parameter names: nothing to hold the query to
                continue;
            }
            names.add(name);
            if (!type.isArray() && !Collection.class.isAssignableFrom(type)) {
                single.add(name);
            }
        }
        return new Declared(Set.copyOf(names), Set.copyOf(single), open);
    }
}
