/**
 * Resident arrays: blocks of the engine's memory that outlive calls (toWasm, wasm-tensors.ts).
 * Calls read them as x or weight, and write them as the output, in place; each call's scratch
 * starts above them (scratchStart).
 */
import { ConvError } from "../core/errors.js";
import {
  DATA_OFFSET,
  MAX_MEMORY_BYTES,
  SLACK,
  align4,
  ensureBytes,
  f32,
  mib,
  views,
  wasmEngine,
} from "./wasm-engine.js";

// A call's scratch starts at heapTop, above every live block. Blocks are freed only on request
// (freeResident): a block freed by garbage collection could be reused while a subarray of its
// view, which does not keep the view alive, still reads it.

/** A block held by a resident array: byte offset and size (its floats plus SLACK, 16-byte aligned). */
interface Block {
  at: number;
  bytes: number;
}
const residentBlocks = new WeakMap<Float32Array, Block>();
const freedArrays = new WeakSet<Float32Array>();
/** Free blocks below heapTop, by address, none adjacent to another. */
const freeBlocks: Block[] = [];
/** Where the resident heap ends and each call's scratch begins (bytes, 16-byte aligned). */
let heapTop = DATA_OFFSET;
let residentBytes = 0;

/**
 * A Float32Array of `length` zeros in the module's memory that stays there until freeResident:
 * calls read it as x or weight, and write it as the output, in place. Null where the memory is
 * not shared: growing an unshared memory detaches its buffer, and with it every view.
 */
export function allocResident(op: string, length: number): Float32Array | null {
  const e = wasmEngine();
  if (!e || !e.shared) return null;
  if (f32.length === 0) views(e);
  const bytes = align4(length + SLACK) * 4;
  let at = -1;
  // first fit among the free blocks, else on top of the heap
  for (let i = 0; i < freeBlocks.length; i++) {
    const free = freeBlocks[i]!;
    if (free.bytes < bytes) continue;
    at = free.at;
    if (free.bytes === bytes) freeBlocks.splice(i, 1);
    else {
      free.at += bytes;
      free.bytes -= bytes;
    }
    break;
  }
  if (at < 0) {
    if (heapTop + bytes > MAX_MEMORY_BYTES) {
      throw new ConvError(
        op,
        `${mib(length * 4)} MiB more in wasm memory would pass the wasm backend's 2 GiB limit (tensors in wasm hold ${mib(residentBytes)} MiB; disposeWasm frees them)`,
      );
    }
    ensureBytes(op, e, heapTop + bytes);
    at = heapTop;
    heapTop += bytes;
  }
  // blocks are reused and calls scribble above heapTop: zero it, as a fresh array would be
  f32.fill(0, at / 4, at / 4 + length);
  const view = new Float32Array(e.memory.buffer, at, length);
  residentBlocks.set(view, { at, bytes });
  residentBytes += bytes;
  return view;
}

/** Gives a resident array's block back (false if `view` is not one); later calls may reuse it. */
export function freeResident(view: Float32Array): boolean {
  const block = residentBlocks.get(view);
  if (!block) return false;
  residentBlocks.delete(view);
  freedArrays.add(view);
  residentBytes -= block.bytes;
  // insert by address, merging with the free neighbours
  let i = 0;
  while (i < freeBlocks.length && freeBlocks[i]!.at < block.at) i++;
  freeBlocks.splice(i, 0, { ...block });
  if (i + 1 < freeBlocks.length && freeBlocks[i]!.at + freeBlocks[i]!.bytes === freeBlocks[i + 1]!.at) {
    freeBlocks[i]!.bytes += freeBlocks[i + 1]!.bytes;
    freeBlocks.splice(i + 1, 1);
  }
  if (i > 0 && freeBlocks[i - 1]!.at + freeBlocks[i - 1]!.bytes === freeBlocks[i]!.at) {
    freeBlocks[i - 1]!.bytes += freeBlocks[i]!.bytes;
    freeBlocks.splice(i, 1);
  }
  // a free block at the top of the heap goes back to the scratch
  const top = freeBlocks[freeBlocks.length - 1];
  if (top && top.at + top.bytes === heapTop) {
    heapTop = top.at;
    freeBlocks.pop();
  }
  return true;
}

/**
 * Float offset where the kernels can read or write `array` in place: `given` (where the caller
 * put it), else a live resident array's block; -1 when it must be laid out and copied.
 */
export function inPlaceAt(array: Float32Array | null, given?: number): number {
  if (given !== undefined) return given;
  const block = array && residentBlocks.get(array);
  return block ? block.at / 4 : -1;
}

/** Whether `view` is a live resident array / one that has been freed. */
export const isResident = (view: Float32Array): boolean => residentBlocks.has(view);
export const isFreedResident = (view: Float32Array): boolean => freedArrays.has(view);

/** Bytes held by live resident arrays (their blocks, slack included). */
export function wasmResidentBytes(): number {
  return residentBytes;
}

/** Float offset where a call's scratch starts: above every live resident block. */
export function scratchStart(): number {
  return heapTop / 4;
}
