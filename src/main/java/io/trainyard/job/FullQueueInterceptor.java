package io.trainyard.job;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.trainyard.system.DryRunQuery;

/**
 * Refuses submits (handlers marked {@link QueuesJobs}) while a count of the last moments says the queue
 * is full: 429 before the body is read and parsed, the spec resolved and a transaction opened. A burst
 * of clients retrying into a full queue is the load it is for: refusing there cost about a millisecond of
 * CPU per request, most of it spent on work whose answer was already known (docs/benchmarks.md). Without
 * such a count the request goes on, and the service counts the queue itself. Runs after the per-owner
 * quotas, so a client over its rate is told so first.
 */
@Configuration
class FullQueueInterceptor implements HandlerInterceptor, WebMvcConfigurer {

    private final QueueRefusals refusals;

    FullQueueInterceptor(QueueRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).order(1);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (DryRunQuery.effectfulCall(request, handler, QueuesJobs.class)) {
            refusals.refuseEarly();
        }
        return true;
    }
}
