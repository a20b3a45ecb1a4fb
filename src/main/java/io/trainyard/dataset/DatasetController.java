package io.trainyard.dataset;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The data sets jobs can train on. */
@RestController
@RequestMapping(path = "/datasets", produces = "application/json")
@Tag(name = "Datasets", description = "Built-in and uploaded training data")
class DatasetController {

    private final DatasetCatalog catalog;

    DatasetController(DatasetCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    @Operation(summary = "List data sets", description = "Built-in data sets (at least `hw5`) first, then "
            + "uploaded ones, newest first. Each item describes the shape and columns, not the numbers.")
    DatasetList list() {
        return new DatasetList(catalog.list().stream().map(DatasetResponse::from).toList());
    }

    @GetMapping("/{id}")
    @Operation(summary = "Describe one data set", description = "Shape and column names of the data set; "
            + "404 when no data set has this id.")
    DatasetResponse get(@PathVariable String id) {
        return DatasetResponse.from(catalog.get(id).info());
    }

    record DatasetList(List<DatasetResponse> items) {
    }
}
