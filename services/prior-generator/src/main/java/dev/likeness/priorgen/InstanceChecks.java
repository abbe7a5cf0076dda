package dev.likeness.priorgen;

import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.jobs.images.InputImages;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.JobValidator;

/**
 * What the intake checks beyond the message itself, without downloading anything: every instance image exists and
 * is within the byte limit, and the base model is a diffusers folder with its weights.
 */
final class InstanceChecks implements JobValidator {

    private final InputImages images;
    private final BaseModels models;

    InstanceChecks(InputImages images, BaseModels models) {
        this.images = images;
        this.models = models;
    }

    @Override
    public void check(PersonalizationJob job) {
        job.instanceImages().forEach(images::checkExists);
        models.check(job.baseModel());
    }
}
