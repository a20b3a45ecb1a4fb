package io.trainyard.system;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code GET /}: the dashboard page ({@code static/index.html}). Boot's welcome page answered a client
 * that does not take HTML ({@code Accept: application/json}) with a bare 406 without a body; mapped
 * here with what it produces, such a request gets the 406 problem+json of every other endpoint.
 */
@Hidden
@Controller
class DashboardPage {

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    String page() {
        return "forward:/index.html";
    }
}
