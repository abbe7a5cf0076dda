/**
 * Training the world VAE (a diffusers {@code AutoencoderKL}, 32×32×3 → 16×16×4 shipped, 8×8×4 by default) from
 * scratch on world images:
 * {@link dev.likeness.worldmodels.vae.VaeRecipe} (architecture and optimisation),
 * {@link dev.likeness.worldmodels.vae.ImagePool} (lazily rendered uint8 images),
 * {@link dev.likeness.worldmodels.vae.VaeTrainer} (steps, checkpoints, export),
 * {@link dev.likeness.worldmodels.vae.VaeQuality} (held-out PSNR) and the {@code vae} command.
 */
package dev.likeness.worldmodels.vae;
