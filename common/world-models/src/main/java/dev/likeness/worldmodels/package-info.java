/**
 * Training the default world's models with Likeness' own engine: the VAE, the base UNet with its text encoder, the
 * world CLIP and the DINO-style image encoder for the evaluator (issue 8). See docs/world.md.
 */
package dev.likeness.worldmodels;
