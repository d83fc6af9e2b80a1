package io.tidemark.sink.pipeline;

import org.junit.jupiter.api.AfterEach;

/** An integration test that builds a {@link Pipeline} in each test method; the pipeline is closed after each. */
abstract class PipelineTest {

    /** The test's pipeline, once it has built one. */
    Pipeline pipeline;

    @AfterEach
    void closePipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
