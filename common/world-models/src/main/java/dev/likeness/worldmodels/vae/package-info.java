/**
 * Training the world VAE (a diffusers {@code AutoencoderKL}, 32×32×3 → 8×8×4) from scratch on world images:
 * {@link dev.likeness.worldmodels.vae.VaeRecipe} (architecture and optimisation),
 * {@link dev.likeness.worldmodels.vae.ImagePool} (lazily rendered uint8 images),
 * {@link dev.likeness.worldmodels.vae.VaeTrainer} (steps, checkpoints, export),
 * {@link dev.likeness.worldmodels.vae.VaeQuality} (held-out PSNR) and the {@code vae} command.
 */
package dev.likeness.worldmodels.vae;
