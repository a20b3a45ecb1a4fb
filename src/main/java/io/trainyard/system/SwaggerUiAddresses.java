package io.trainyard.system;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code /swagger-ui} and {@code /swagger-ui/}, the addresses people type for Swagger UI, lead to it
 * ({@code /swagger-ui.html}, which springdoc sends on to its page): they answered 404.
 */
@Hidden
@Controller
class SwaggerUiAddresses {

    @GetMapping({"/swagger-ui", "/swagger-ui/"})
    String swaggerUi() {
        return "redirect:/swagger-ui.html";
    }
}
