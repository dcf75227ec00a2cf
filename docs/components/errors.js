// Shows a refused configuration the way convkit words it, instead of a broken cell.
import { ConvError } from "convkit";

/** Runs `compute()`; returns {value} or, when convkit refuses the arguments, {error}. */
export function attempt(compute) {
  try {
    return { value: compute(), error: null };
  } catch (error) {
    if (error instanceof ConvError) return { value: null, error };
    throw error; // anything else is a bug in the page: let Framework show it (the tests fail on it)
  }
}

/** An element holding a ConvError's message, e.g. "conv2d: padding "same" needs stride 1, ...". */
export function errorBox(error, { document = globalThis.document } = {}) {
  const box = document.createElement("div");
  box.className = "convkit-error";
  box.setAttribute("role", "alert");
  const title = document.createElement("strong");
  title.textContent = "convkit refuses this configuration";
  const message = document.createElement("code");
  message.className = "convkit-error-message";
  message.textContent = error.message;
  box.append(title, document.createElement("br"), message);
  return box;
}
