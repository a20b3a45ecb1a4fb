package io.trainyard.security;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.trainyard.system.DatabaseReachability;
import io.trainyard.system.ProblemTypes;
import io.trainyard.system.TrainyardProperties;

/**
 * Who may call what. Stateless bearer keys on everything but health, the dashboard's static files
 * and the API documentation; {@code /keys} (except {@code /keys/me}) and the operational actuator
 * endpoints need {@code admin}. 401 and 403 go through {@code system.ApiExceptionHandler}, so they
 * are the same problem+json as every other error.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** The dashboard page: no inline scripts or styles; charts and data from this origin only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /**
     * Swagger UI's pages: the same, but Swagger UI's bundle applies inline styles (blocked, each one a
     * console error and a piece of the page left unstyled). Inline styles cannot run code; scripts stay
     * this origin's files only.
     */
    static final String SWAGGER_UI_CONTENT_SECURITY_POLICY =
            CONTENT_SECURITY_POLICY.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';");

    /**
     * The security headers are written before the request is handled, never while the filter chain
     * unwinds: an event stream's first event is written (and the response committed) by another
     * thread while the request thread may still be on its way back through the filters, and Tomcat's
     * response headers are not thread-safe. Written late, the two threads raced on them (Spring
     * Security issues 9175 and 15510): one stream in a few hundred failed its first write with a
     * NullPointerException inside Tomcat and was closed at once (and the next stream let in).
     */
    /**
     * The chain's header filter, also run for requests the firewall rejects before the chain (whose
     * 400 went without {@code nosniff}, {@code no-store} and the CSP that every other answer has), and
     * for error dispatches of requests that never reached it ({@link ErrorDispatchHeaders}).
     */
    private final AtomicReference<HeaderWriterFilter> headers = new AtomicReference<>();

    private final ObjectPostProcessor<HeaderWriterFilter> writeHeadersBeforeTheChain = new ObjectPostProcessor<>() {
        @Override
        public <O extends HeaderWriterFilter> O postProcess(O filter) {
            filter.setShouldWriteHeadersEagerly(true);
            headers.set(filter);
            return filter;
        }
    };

    /**
     * What anyone may read without a key: health, the dashboard's static files and the API
     * documentation (Swagger UI, and the OpenAPI document as JSON or YAML).
     */
    private static final String[] PUBLIC = {
        "/actuator/health",
        "/actuator/health/**",
        "/",
        "/index.html",
        "/dashboard/**",
        "/webjars/**",
        "/favicon.ico",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/v3/api-docs.yaml",
    };

    @Bean
    SecurityFilterChain api(
            HttpSecurity http,
            ApiKeys keys,
            AuthProperties auth,
            DatabaseReachability database,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver)
            throws Exception {
        // Served without the database and without a key: both filters ask the same question.
        Predicate<HttpServletRequest> publicReads = publicReads();
        http.csrf(csrf -> csrf.disable()) // no cookies, no sessions: nothing a forged request could ride on
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .cors(c -> {})
                .headers(h -> h.addHeaderWriter(SecurityConfiguration::contentSecurityPolicy)
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .addObjectPostProcessor(writeHeadersBeforeTheChain))
                // TRACE's 405 comes as an error dispatch only, which the header writer skips.
                .addFilterAfter(new ErrorDispatchHeaders(headers::get), HeaderWriterFilter.class)
                .addFilterBefore(
                        new BearerKeyFilter(keys, auth.enabled(), resolver, publicReads), AuthorizationFilter.class)
                .addFilterBefore(new DatabaseOutageGate(database, publicReads, resolver), BearerKeyFilter.class)
                .authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ASYNC)
                        // The end of an event stream comes back as an async dispatch of a request that
                        // was authorised when it began and whose answer is already under way: checking
                        // again refused a key revoked meanwhile on a committed response, an error and
                        // stack trace in the log for nothing.
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, PUBLIC)
                        .permitAll()
                        // HEAD is GET without the body (monitors and link checkers send it): it was a 401.
                        .requestMatchers(HttpMethod.HEAD, PUBLIC)
                        .permitAll()
                        .requestMatchers("/error")
                        .permitAll()
                        // Any key may read its own: HEAD and OPTIONS too (they were a 403 "needs an admin key"
                        // for a key whose GET is 200). Not every method: DELETE /keys/me is DELETE /keys/{id}.
                        .requestMatchers(HttpMethod.GET, "/keys/me")
                        .authenticated()
                        .requestMatchers(HttpMethod.HEAD, "/keys/me")
                        .authenticated()
                        .requestMatchers(HttpMethod.OPTIONS, "/keys/me")
                        .authenticated()
                        .requestMatchers("/keys", "/keys/**")
                        .hasRole("ADMIN")
                        // Health is public to read; another method on it is a 405 for every key, not a 403
                        // telling a user key to get an admin key that would be refused the same way.
                        .requestMatchers("/actuator/health", "/actuator/health/**")
                        .authenticated()
                        .requestMatchers("/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(
                                (request, response, ex) -> unauthorized(resolver, request, response, ex))
                        .accessDeniedHandler((request, response, ex) -> denied(resolver, request, response, ex)));
        return http.build();
    }

    /**
     * GET and HEAD of the {@link #PUBLIC} paths: what answers without a key, and without the database.
     * Matched on {@link Endpoints#path}, the path Spring MVC routes by.
     */
    static Predicate<HttpServletRequest> publicReads() {
        List<PathPattern> patterns = Arrays.stream(PUBLIC)
                .map(PathPatternParser.defaultInstance::parse)
                .toList();
        return request -> {
            if (!HttpMethod.GET.matches(request.getMethod()) && !HttpMethod.HEAD.matches(request.getMethod())) {
                return false;
            }
            PathContainer path = PathContainer.parsePath(Endpoints.path(request));
            return patterns.stream().anyMatch(pattern -> pattern.matches(path));
        };
    }

    private static void contentSecurityPolicy(HttpServletRequest request, HttpServletResponse response) {
        if (!response.containsHeader("Content-Security-Policy")) {
            boolean swaggerUi = request.getRequestURI().startsWith("/swagger-ui/");
            response.setHeader(
                    "Content-Security-Policy",
                    swaggerUi ? SWAGGER_UI_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
        }
    }

    private static void unauthorized(
            HandlerExceptionResolver resolver,
            HttpServletRequest request,
            HttpServletResponse response,
            AuthenticationException ex) {
        int headers = BearerKeyFilter.headerCount(request);
        String message = headers == 0
                ? "This endpoint needs an API key: send 'Authorization: Bearer <key>' (an admin finds the first key "
                        + "in <data-dir>/admin.key)."
                : headers > 1
                        ? "The request has " + headers + " Authorization headers; send exactly one."
                        : "The API key is unknown or revoked.";
        resolver.resolveException(request, response, null, new InsufficientAuthenticationException(message));
    }

    private static void denied(
            HandlerExceptionResolver resolver,
            HttpServletRequest request,
            HttpServletResponse response,
            AccessDeniedException ex) {
        resolver.resolveException(request, response, null, ex);
    }

    /**
     * URLs that Spring Security's firewall refuses before any handler runs (an empty path segment
     * such as {@code /models//predictions}, {@code ;} parameters, encoded dots or slashes) get the
     * same 400 problem+json as every other bad request, not the servlet container's error page.
     */
    @Bean
    RequestRejectedHandler problemForRejectedRequests(
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        RequestRejectedHandler plain = new HttpStatusRequestRejectedHandler();
        return (request, response, rejected) -> {
            if (request.getDispatcherType() != DispatcherType.REQUEST || response.isCommitted()) {
                // Async and error dispatches of an answer already under way (event streams) keep the
                // firewall's plain handling: there is no new answer to write.
                plain.handle(request, response, rejected);
                return;
            }
            ErrorResponseException problem = new ErrorResponseException(HttpStatus.BAD_REQUEST, rejected);
            problem.getBody().setType(ProblemTypes.INVALID_REQUEST);
            problem.getBody().setTitle("Invalid request");
            problem.getBody().setDetail(rejectionDetail(rejected.getMessage()));
            HeaderWriterFilter headerWriter = headers.get();
            if (headerWriter == null) {
                resolver.resolveException(request, response, null, problem);
                return;
            }
            headerWriter.doFilter(
                    request, response, (req, res) -> resolver.resolveException(request, response, null, problem));
        };
    }

    /** The firewall's message about a header: {@code … the header: "<name> " has a value "<value>" …}. */
    private static final Pattern REJECTED_HEADER_VALUE = Pattern.compile("header: \"([^\"]*?) ?\" has a value");

    /**
     * What a client can do about a rejected request. A header is named but its value never repeated:
     * it may be a key pasted with a stray character (the firewall refuses control characters, such as
     * the bytes of a UTF-8 '€' read one by one).
     */
    static String rejectionDetail(String message) {
        String said = message == null ? "" : message;
        Matcher header = REJECTED_HEADER_VALUE.matcher(said);
        if (header.find()) {
            return "The header '" + header.group(1) + "' holds a character that is not allowed (a control "
                    + "character, or a non-ASCII one sent as UTF-8); send printable ASCII. Its value is not "
                    + "repeated here.";
        }
        if (said.contains("header name")) {
            return "A header name holds a character that is not allowed; send printable ASCII.";
        }
        return "The URL is not allowed: " + said
                + ". Check for an empty path segment (//), a ';' or an encoded '/', '\\' or '.'.";
    }

    /**
     * The default firewall, but any method token: a method no endpoint takes (PROPFIND, FOO) reaches
     * Spring MVC and gets its 405 with the Allow header of that path, like PATCH does, instead of the
     * firewall's 400. Safe here because every method-specific rule above only permits GET or HEAD; any other
     * method, known or not, needs a key (and on /keys and /actuator an admin key).
     */
    @Bean
    WebSecurityCustomizer anyMethodReachesTheHandlers() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setUnsafeAllowAnyHttpMethod(true);
        return web -> web.httpFirewall(firewall);
    }

    /**
     * No user names and passwords: keys are the only credentials. (Without this bean Boot would make
     * up a user with a generated password and log it.)
     */
    @Bean
    UserDetailsService noPasswordUsers() {
        return new InMemoryUserDetailsManager();
    }

    /**
     * Idempotency-Key handling, after Spring Security's filters (it needs the caller) and after
     * {@code system/LargeBodyGate} (order 0): a large body waits for its permit before this filter's
     * transaction takes a database connection, so waiting bodies cannot drain the pool. Declared here
     * rather than as a component so that controller slices do not pick it up without its store.
     */
    @Bean
    FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
            IdempotencyStore store,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver,
            TransactionTemplate transactions) {
        FilterRegistrationBean<IdempotencyFilter> registration =
                new FilterRegistrationBean<>(new IdempotencyFilter(store, resolver, transactions));
        registration.setOrder(1);
        return registration;
    }

    /** The quota checks in front of every handler. */
    @Bean
    QuotaInterceptor quotaInterceptor(
            QuotaProperties quota, Usage usage, ActiveJobsQuota activeJobs, TrainyardProperties properties) {
        return new QuotaInterceptor(
                quota,
                usage,
                activeJobs,
                new StoringRequests(),
                properties.limits().maxRequestSize().toBytes());
    }

    @Bean
    WebMvcConfigurer quotaChecks(QuotaInterceptor interceptor) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }

    /**
     * Storage reservations end as the answer is committed. Outside {@link IdempotencyFilter} (order 1),
     * whose transaction commits what a keyed request stored before it copies the recorded answer out.
     */
    @Bean
    FilterRegistrationBean<ReservationEndsWithTheAnswer> reservationEndsWithTheAnswer(QuotaInterceptor quotas) {
        FilterRegistrationBean<ReservationEndsWithTheAnswer> registration =
                new FilterRegistrationBean<>(new ReservationEndsWithTheAnswer(quotas));
        registration.setOrder(-3);
        return registration;
    }

    /**
     * No observations per security filter, authorization and secured request. With a registry present
     * Spring Security would otherwise wrap each of its filters in an observation with its own timers:
     * about a fifth of the CPU time and a quarter of the allocations of a single-row prediction (see
     * docs/benchmarks.md). The request as a whole, security included, is still timed by
     * {@code http.server.requests}.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Closed unless {@code trainyard.cors.allowed-origins} names origins. */
    @Bean
    CorsConfigurationSource corsConfigurationSource(CorsProperties cors) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!cors.allowedOrigins().isEmpty()) {
            CorsConfiguration configuration = new CorsConfiguration();
            configuration.setAllowedOrigins(cors.allowedOrigins());
            configuration.addAllowedMethod("*");
            configuration.addAllowedHeader("Authorization");
            configuration.addAllowedHeader("Content-Type");
            configuration.addAllowedHeader("Idempotency-Key");
            configuration.addExposedHeader("Location");
            configuration.addExposedHeader("Retry-After");
            // Without these a script on a listed origin cannot read them (CORS hides all but a few headers).
            configuration.addExposedHeader("Trainyard-History-Resolution");
            configuration.addExposedHeader("Idempotent-Replayed");
            source.registerCorsConfiguration("/**", configuration);
        }
        return source;
    }
}
