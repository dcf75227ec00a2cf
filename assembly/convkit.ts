/**
 * convkit's WebAssembly SIMD kernels (AssemblyScript, compiled by scripts/build-wasm.mjs).
 *
 * One algorithm covers every convolution the library runs (1-D, 2-D, 3-D, strided, dilated,
 * grouped, depthwise, transposed): an implicit GEMM over a "prepped" input.
 *
 *   prep:  x (N, C, D, H, W) -> xp (N, C, sD, sH, sW, Dq, Hq, Wq)
 *          the zero-padded input, split by stride phase, so that for every kernel tap
 *          (c, kd, kh, kw) the values one output row needs are contiguous:
 *            x[n, c, od*sD + kd*dD - pD, oh*sH + kh*dH - pH, ow*sW + kw*dW - pW]
 *          = xp[n, c, (kd*dD) % sD, (kh*dH) % sH, (kw*dW) % sW, od + (kd*dD)/sD, oh + (kh*dH)/sH, ow + (kw*dW)/sW]
 *          A stride-1 transposed convolution is the convolution of the input padded by
 *          d(k-1) - p (possibly negative = cropped) with the flipped kernel; strided ones run
 *          as one ordinary convolution per output phase (src/kernels/wasm-transposed.ts,
 *          convTransposeSubPixel).
 *   pack:  weight -> ap (G, panels, K, MR): MR output channels interleaved per reduction index
 *          k = (c, kd, kh, kw), zero rows past the group's last channel.
 *   gemm:  for one depth slice od, output positions are flattened over the prepped grid,
 *          j = oh * Wq + ow (columns ow >= OW are computed and dropped), so
 *            y[f, j] = bias[f] + sum_k ap[f, k] * xp[off[k] + j]
 *          with off[k] the tap's offset in xp. A micro-kernel keeps MR x NR accumulators in
 *          registers (f32x4 mul + add) and stores the valid columns straight into y. Three paths:
 *          - dense (4 x 8, PACKB): each 8-position strip of B is copied once into the thread's
 *            buffer (K x 8 floats, stays in L1) and reused by every 4-row panel of filters;
 *          - grouped (4 x 8): B rows are read in place through off[k] (few panels per group);
 *          - depthwise-like (1 x up to 32, FUSED): one channel is prepped into the thread's
 *            buffer, then its filters slide along each output row (no dropped columns); with 3
 *            kernel rows at unit row step, 4 output rows at a time (depthwise3Rows4).
 *          A 5 x 8 kernel (10 accumulators) would not fit the registers: V8 spills it.
 *
 * All pointers are byte offsets into the (imported) memory; the host lays the buffers out and
 * writes the call's parameters as i32s at `P` (assembly/params.ts, generated from src/kernels/wasm-params.ts).
 */

import { Params } from "./params";

/** Floats per input channel in xp (all phases). */
@inline function channelStride(P: Params): i32 {
  return P.SD * P.SH * P.SW * P.QD * P.QH * P.QW;
}

/** Zeroes n floats at dst. */
@inline function zero(dst: usize, n: i32): void {
  const end = dst + (<usize>n << 2);
  const z = f32x4.splat(0);
  while (dst + 16 <= end) { v128.store(dst, z); dst += 16; }
  while (dst < end) { store<f32>(dst, 0); dst += 4; }
}

/** Copies n floats from src to dst (no overlap). */
@inline function copy(dst: usize, src: usize, n: i32): void {
  const end = dst + (<usize>n << 2);
  while (dst + 16 <= end) { v128.store(dst, v128.load(src)); dst += 16; src += 16; }
  while (dst < end) { store<f32>(dst, load<f32>(src)); dst += 4; src += 4; }
}

/**
 * Writes the prepped input xp from x (N, C, ID, IH, IW): target coordinate t = pad + i,
 * phase t % s, position t / s; everything else is zero.
 */
export function prep(P: Params): void {
  prepRange(P, 0, P.N * P.G * P.CG, <usize>P.XP, true, true);
}

/**
 * Preps channels [nc0, nc1) of the flattened (n, c) channels into their places in xp: one share
 * of the prep when threads split it (the 64 floats of slack after the last channel are zeroed by
 * the share that ends there, so that no share writes into another's channels).
 */
export function prepChannels(P: Params, nc0: i32, nc1: i32): void {
  const total = P.N * P.G * P.CG;
  prepRange(P, nc0, nc1, <usize>P.XP + (<usize>(nc0 * channelStride(P)) << 2), true, nc1 == total);
}

/**
 * Preps the flattened (n, c) channels [nc0, nc1) of x into dst (one channel every channelStride
 * floats), then, with `slack`, zeroes 64 floats after them. With `fresh` false, dst already holds
 * a channel prepped by the same call: the zeros (padding, phase gaps, slack) sit at the same
 * places for every channel, so only the input's values are written.
 *   x   (N, C, ID, IH, IW) at P.X;   xp (nc1 - nc0, SD, SH, SW, QD, QH, QW) at `xp`
 *   input (id, ih, iw) lands at target (id + PD, ih + PH, iw + PW): phase t % S, position t / S
 * Unit column stride writes whole rows (prepRows); a strided width scatters columns to their
 * phase planes (prepColumns).
 */
function prepRange(P: Params, nc0: i32, nc1: i32, xp: usize, fresh: bool, slack: bool): void {
  const iW = P.IW, pW = P.PW;
  const tWmax = P.SW * P.QW;
  // the input columns that land inside the prepped width
  let iw0 = 0;
  while (iw0 < iW && pW + iw0 < 0) iw0++;
  let iw1 = iW;
  while (iw1 > iw0 && pW + iw1 - 1 >= tWmax) iw1--;
  if (P.SW == 1) {
    if (!fresh && P.SD == 1 && P.SH == 1) prepCopyRows(P, nc0, nc1, xp, iw0, iw1);
    else prepRows(P, nc0, nc1, xp, fresh, slack, iw0, iw1);
  } else {
    prepColumns(P, nc0, nc1, xp, fresh, slack, iw0, iw1);
  }
}

/**
 * Padding only (unit strides), zeros already in place (`fresh` false): copies the input rows that
 * land in the plane, columns [iw0, iw1) of each.
 */
function prepCopyRows(P: Params, nc0: i32, nc1: i32, xp: usize, iw0: i32, iw1: i32): void {
  const Dq = P.QD, Hq = P.QH, Wq = P.QW;
  const iD = P.ID, iH = P.IH, iW = P.IW;
  const pD = P.PD, pH = P.PH;
  const x = <usize>P.X;
  const cs = channelStride(P);
  const left = P.PW + iw0, count = iw1 - iw0;
  const id0 = max(0, -pD), id1 = min(iD, Dq - pD), ih0 = max(0, -pH), ih1 = min(iH, Hq - pH);
  for (let nc = nc0; nc < nc1; nc++) {
    for (let id = id0; id < id1; id++) {
      let src = x + (<usize>(((nc * iD + id) * iH + ih0) * iW + iw0) << 2);
      let dst = xp + (<usize>(((nc - nc0) * cs + (id + pD) * Hq + ih0 + pH) * Wq + left) << 2);
      for (let ih = ih0; ih < ih1; ih++) {
        copy(dst, src, count);
        src += <usize>iW << 2;
        dst += <usize>Wq << 2;
      }
    }
  }
}

/**
 * Unit column stride: prepped rows are contiguous, so one pass over them in order (phd, phh, qd,
 * qh) writes every float once: left padding, the input row's columns [iw0, iw1), right padding
 * (the paddings only when `fresh`).
 */
function prepRows(P: Params, nc0: i32, nc1: i32, xp: usize, fresh: bool, slack: bool, iw0: i32, iw1: i32): void {
  const sD = P.SD, sH = P.SH;
  const Dq = P.QD, Hq = P.QH, Wq = P.QW;
  const iD = P.ID, iH = P.IH, iW = P.IW;
  const pD = P.PD, pH = P.PH;
  const x = <usize>P.X;
  const cs = channelStride(P);
  const inPlane = iD * iH * iW;
  const left = P.PW + iw0, count = iw1 - iw0, right = Wq - left - count;
  for (let nc = nc0; nc < nc1; nc++) {
    const src = x + (<usize>(nc * inPlane) << 2);
    let dst = xp + (<usize>((nc - nc0) * cs) << 2);
    // target depth td = qd sD + phd, row th = qh sH + phh
    for (let phd = 0; phd < sD; phd++) {
      for (let phh = 0; phh < sH; phh++) {
        for (let qd = 0; qd < Dq; qd++) {
          const id = qd * sD + phd - pD;
          const dOk = id >= 0 && id < iD;
          for (let qh = 0; qh < Hq; qh++) {
            const ih = qh * sH + phh - pH;
            if (count > 0 && dOk && ih >= 0 && ih < iH) {
              if (fresh) zero(dst, left);
              copy(dst + (<usize>left << 2), src + (<usize>((id * iH + ih) * iW + iw0) << 2), count);
              if (fresh) zero(dst + (<usize>(left + count) << 2), right);
            } else if (fresh) {
              zero(dst, Wq);
            }
            dst += <usize>Wq << 2;
          }
        }
      }
    }
  }
  if (fresh && slack) zero(xp + (<usize>((nc1 - nc0) * cs) << 2), 64);
}

/**
 * A strided width: zeroes the channels (when `fresh`), then scatters each input row's columns
 * to their phase planes (column tw = PW + iw goes to phase tw % SW, position tw / SW); stride 2
 * splits even and odd columns 8 at a time with two shuffles.
 */
function prepColumns(P: Params, nc0: i32, nc1: i32, xp: usize, fresh: bool, slack: bool, iw0: i32, iw1: i32): void {
  const sD = P.SD, sH = P.SH, sW = P.SW;
  const Dq = P.QD, Hq = P.QH, Wq = P.QW;
  const iD = P.ID, iH = P.IH, iW = P.IW;
  const pD = P.PD, pH = P.PH, pW = P.PW;
  const x = <usize>P.X;
  const cs = channelStride(P);
  const phaseStride = Dq * Hq * Wq;
  const inPlane = iD * iH * iW;
  if (fresh) memory.fill(xp, 0, <usize>((nc1 - nc0) * cs + (slack ? 64 : 0)) << 2);
  const tDmax = sD * Dq, tHmax = sH * Hq;
  for (let nc = nc0; nc < nc1; nc++) {
    const src = x + (<usize>(nc * inPlane) << 2);
    const dst = xp + (<usize>((nc - nc0) * cs) << 2);
    for (let id = 0; id < iD; id++) {
      const td = pD + id;
      if (td < 0 || td >= tDmax) continue;
      for (let ih = 0; ih < iH; ih++) {
        const th = pH + ih;
        if (th < 0 || th >= tHmax) continue;
        const rowSrc = src + (<usize>((id * iH + ih) * iW) << 2);
        const phase = ((td % sD) * sH + th % sH) * sW;
        const rowDst = dst + (<usize>((phase * Dq + td / sD) * Hq + th / sH) * Wq << 2);
        if (sW == 2) {
          // even and odd target columns go to the two phase planes
          const odd = (pW + iw0) & 1;
          let a = rowDst + (<usize>(odd ? phaseStride : 0) << 2) + (<usize>((pW + iw0) >> 1) << 2);
          let b = rowDst + (<usize>(odd ? 0 : phaseStride) << 2) + (<usize>((pW + iw0 + 1) >> 1) << 2);
          let iw = iw0;
          let q = rowSrc + (<usize>iw << 2);
          while (iw + 8 <= iw1) {
            const v0 = v128.load(q), v1 = v128.load(q, 16);
            v128.store(a, v128.shuffle<f32>(v0, v1, 0, 2, 4, 6));
            v128.store(b, v128.shuffle<f32>(v0, v1, 1, 3, 5, 7));
            a += 16; b += 16; q += 32; iw += 8;
          }
          while (iw < iw1) {
            store<f32>(a, load<f32>(q)); q += 4; iw++; a += 4;
            if (iw < iw1) { store<f32>(b, load<f32>(q)); q += 4; iw++; b += 4; }
          }
        } else {
          for (let iw = iw0; iw < iw1; iw++) {
            const tw = pW + iw;
            store<f32>(rowDst + (<usize>((tw % sW) * phaseStride + tw / sW) << 2), load<f32>(rowSrc + (<usize>iw << 2)));
          }
        }
      }
    }
  }
}

/** Packs the weights and tap offsets (packWeights), then preps the input unless xp is x or the prep is fused. */
export function pack(P: Params): void {
  packWeights(P);
  // the prep is skipped when xp is x itself (1x1-like: no padding, stride or dilation)
  if (P.IDENTITY == 0 && P.FUSED == 0) prep(P);
}

/**
 * Packs the weights into ap (G, panels, K, MR) and the tap offsets into off (K, bytes).
 * Convolution weight: (F, Cg, kvol). Transposed weight: (C, Fg, kvol0) of a KD0 x KH0 x KW0
 * kernel, the conv's tap (a, b, e) read from its tap (T0D - a STD, T0H - b STH, T0W - e STW):
 * flipped (T0 = k - 1, ST = 1) for a stride-1 transposed conv, or one output phase's sub-kernel
 * (src/kernels/wasm-transposed.ts, convTransposeSubPixel).
 *   w     (F, Cg, KD, KH, KW), or transposed (C, Fg, K0D, K0H, K0W), at P.WPTR
 *   ap    (G, panels, K, MR) at P.AP, K = Cg KD KH KW, panels = ceil(Fg / MR)
 *   off   (K) i32 byte offsets into xp at P.OFF: tap (c, a, b, e) reads c cs + its phase plane and
 *         position; a 4-filter panel is transposed 4 x 4 in registers
 */
export function packWeights(P: Params): void {
  const g = P.G, Cg = P.CG, Fg = P.FG, mr = P.MR;
  const kD = P.KD, kH = P.KH, kW = P.KW;
  const kv = kD * kH * kW, K = Cg * kv;
  const w = <usize>P.WPTR, ap = <usize>P.AP;
  const transposed = P.TRANSPOSED != 0;
  const panels = (Fg + mr - 1) / mr;
  let dst = ap;
  for (let gi = 0; gi < g; gi++) {
    for (let pan = 0; pan < panels; pan++) {
      let r0 = 0;
      if (mr == 4 && !transposed && pan * 4 + 4 <= Fg) {
        // a full panel of 4 filters: 4 x 4 blocks transposed in registers, the K % 4 rest below
        const s0 = w + (<usize>((gi * Fg + pan * 4) * K) << 2), row = <usize>K << 2;
        let a = dst;
        let k = 0;
        for (; k + 4 <= K; k += 4) {
          const src = s0 + (<usize>k << 2);
          const v0 = v128.load(src), v1 = v128.load(src + row), v2 = v128.load(src + 2 * row), v3 = v128.load(src + 3 * row);
          const t0 = v128.shuffle<i32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(v2, v3, 0, 4, 1, 5);
          const t2 = v128.shuffle<i32>(v0, v1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(v2, v3, 2, 6, 3, 7);
          v128.store(a, v128.shuffle<i32>(t0, t1, 0, 1, 4, 5));
          v128.store(a, v128.shuffle<i32>(t0, t1, 2, 3, 6, 7), 16);
          v128.store(a, v128.shuffle<i32>(t2, t3, 0, 1, 4, 5), 32);
          v128.store(a, v128.shuffle<i32>(t2, t3, 2, 3, 6, 7), 48);
          a += 64;
        }
        for (; k < K; k++) {
          const src = s0 + (<usize>k << 2);
          store<f32>(a, load<f32>(src)); store<f32>(a, load<f32>(src + row), 4);
          store<f32>(a, load<f32>(src + 2 * row), 8); store<f32>(a, load<f32>(src + 3 * row), 12);
          a += 16;
        }
        r0 = mr;
      }
      for (let r = r0; r < mr; r++) {
        const f = pan * mr + r;
        let a = dst + (<usize>r << 2);
        if (f >= Fg) {
          for (let k = 0; k < K; k++) { store<f32>(a, 0); a += <usize>mr << 2; }
        } else if (!transposed) {
          // weight (F, Cg, kvol): filter f's K values are contiguous
          let src = w + (<usize>((gi * Fg + f) * K) << 2);
          for (let k = 0; k < K; k++) { store<f32>(a, load<f32>(src)); a += <usize>mr << 2; src += 4; }
        } else {
          // weight (C, Fg, kvol0): value (c, tap) is at ((gi Cg + c) Fg + f) kvol0 + tap
          const t0d = P.T0D, t0h = P.T0H, t0w = P.T0W, std = P.STD, sth = P.STH, stw = P.STW;
          const k0h = P.K0H, k0w = P.K0W, kv0 = P.K0D * k0h * k0w;
          for (let c = 0; c < Cg; c++) {
            const base = w + (<usize>(((gi * Cg + c) * Fg + f) * kv0) << 2);
            for (let ta = 0; ta < kD; ta++) {
              for (let tb = 0; tb < kH; tb++) {
                let src = base + (<usize>(((t0d - ta * std) * k0h + t0h - tb * sth) * k0w + t0w) << 2);
                for (let te = 0; te < kW; te++) { store<f32>(a, load<f32>(src)); a += <usize>mr << 2; src -= <usize>stw << 2; }
              }
            }
          }
        }
      }
      dst += <usize>(K * mr) << 2;
    }
  }
  // tap offsets, in bytes, relative to the group's first channel and the slice's first row
  const dD = P.DD, dH = P.DH, dW = P.DW;
  const sD = P.SD, sH = P.SH, sW = P.SW;
  const Dq = P.QD, Hq = P.QH, Wq = P.QW;
  const cs = channelStride(P);
  const off = <usize>P.OFF;
  // channel 0's taps (no division along an axis of stride 1), then every later channel's: +cs
  let k = 0;
  for (let a = 0; a < kD; a++) {
    const td = a * dD, pd = sD == 1 ? 0 : td % sD, qd = sD == 1 ? td : td / sD;
    for (let b = 0; b < kH; b++) {
      const th = b * dH, ph = sH == 1 ? 0 : th % sH, qh = sH == 1 ? th : th / sH;
      for (let e = 0; e < kW; e++) {
        const tw = e * dW, pw = sW == 1 ? 0 : tw % sW, qw = sW == 1 ? tw : tw / sW;
        const phase = (pd * sH + ph) * sW + pw;
        store<i32>(off + (<usize>k << 2), (((phase * Dq + qd) * Hq + qh) * Wq + qw) << 2);
        k++;
      }
    }
  }
  for (; k < K; k++) store<i32>(off + (<usize>k << 2), load<i32>(off + (<usize>(k - kv) << 2)) + (cs << 2));
}

/**
 * c + a b per lane: one fused multiply-add (relaxed SIMD, one rounding or two, as the hardware
 * does it) in the build that enables relaxed-simd, else a multiply then an add.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * Stores one accumulator vector (4 consecutive flattened positions j, starting at row oh,
 * column ow of the prepped grid) into an output plane y (OH, OW): one vector store when the 4
 * positions are valid columns of one row, else lane by lane.
 */
@inline function put(y: usize, v: v128, oh: i32, ow: i32, Wq: i32, OW: i32, OH: i32): void {
  if (ow + 4 <= OW && oh < OH) v128.store(y + (<usize>(oh * OW + ow) << 2), v);
  else putLanes(y, v, oh, ow, Wq, OW, OH);
}

/** put's lane-by-lane store: each of the 4 positions that is a valid (oh, ow) of y. */
function putLanes(y: usize, v: v128, oh: i32, ow: i32, Wq: i32, OW: i32, OH: i32): void {
  for (let l = 0; l < 4; l++) {
    while (ow >= Wq) { ow -= Wq; oh++; }
    if (oh < OH && ow < OW) {
      const value = l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1) : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
      store<f32>(y + (<usize>(oh * OW + ow) << 2), value);
    }
    ow++;
  }
}

/** Row and column of flattened position j + 4 given those of j. */
@inline function nextRow(oh: i32, ow: i32, Wq: i32): i32 {
  ow += 4;
  while (ow >= Wq) { ow -= Wq; oh++; }
  return oh;
}
@inline function nextCol(ow: i32, Wq: i32): i32 {
  ow += 4;
  while (ow >= Wq) ow -= Wq;
  return ow;
}

/**
 * MR = 4 output channels x NR = 8 positions (8 accumulators + 2 loads + 1 splat + 1 product fit
 * the 16 vector registers). B rows come from the prepped input through the tap offsets
 * (`packed` false: row k at b + off[k]) or from a packed strip (row k at b + 32 k).
 *   a     the panel (K, 4): 4 filters' weights interleaved per k;   bias: the 4 filters' biases
 *   b     the strip's first position in xp (or the packed strip (K, 8));   off (K) bytes
 *   y     the panel's first filter's output plane (OH, OW), fStride bytes between filters;
 *         rows (<= 4) filters are stored;   (oh, ow) the strip's first position on the QW grid
 */
@inline function kernel4x8(packed: bool, a: usize, b: usize, off: usize, K: i32, bias: usize, rows: i32, y: usize, fStride: usize, oh: i32, ow: i32, Wq: i32, OW: i32, OH: i32): void {
  let c00: v128 = v128.load32_splat(bias), c01: v128 = c00;
  let c10: v128 = v128.load32_splat(bias, 4), c11: v128 = c10;
  let c20: v128 = v128.load32_splat(bias, 8), c21: v128 = c20;
  let c30: v128 = v128.load32_splat(bias, 12), c31: v128 = c30;
  if (packed) {
    const end = b + (<usize>K << 5);
    while (b < end) {
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      let s: v128 = v128.load32_splat(a);
      c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
      s = v128.load32_splat(a, 4);
      c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
      s = v128.load32_splat(a, 8);
      c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
      s = v128.load32_splat(a, 12);
      c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
      a += 16;
      b += 32;
    }
  } else {
    const end = off + (<usize>K << 2);
    while (off < end) {
      const q = b + <usize>load<i32>(off);
      const b0 = v128.load(q), b1 = v128.load(q, 16);
      let s: v128 = v128.load32_splat(a);
      c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
      s = v128.load32_splat(a, 4);
      c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
      s = v128.load32_splat(a, 8);
      c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
      s = v128.load32_splat(a, 12);
      c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
      a += 16;
      off += 4;
    }
  }
  const oh1 = nextRow(oh, ow, Wq), ow1 = nextCol(ow, Wq);
  put(y, c00, oh, ow, Wq, OW, OH); put(y, c01, oh1, ow1, Wq, OW, OH);
  if (rows > 1) { y += fStride; put(y, c10, oh, ow, Wq, OW, OH); put(y, c11, oh1, ow1, Wq, OW, OH); }
  if (rows > 2) { y += fStride; put(y, c20, oh, ow, Wq, OW, OH); put(y, c21, oh1, ow1, Wq, OW, OH); }
  if (rows > 3) { y += fStride; put(y, c30, oh, ow, Wq, OW, OH); put(y, c31, oh1, ow1, Wq, OW, OH); }
}

/**
 * MR = 1 output channel x NR = 32 positions: the direct kernel for depthwise-like convs (one or
 * two filters per group). Eight independent accumulators keep the add chains short.
 *   a     the filter's weights (K);   b the strip's first position in xp;   off (K) bytes
 *   y     the filter's output plane (OH, OW);   (oh, ow) the strip's first position on the QW grid
 *   tmp   32 floats: the accumulators on their way to y (storeRow drops columns past OW)
 */
@inline function kernel1x32(a: usize, b: usize, off: usize, K: i32, bias: usize, y: usize, oh: i32, ow: i32, Wq: i32, OW: i32, OH: i32, tmp: usize): void {
  let c0: v128 = v128.load32_splat(bias), c1: v128 = c0, c2: v128 = c0, c3: v128 = c0;
  let c4: v128 = c0, c5: v128 = c0, c6: v128 = c0, c7: v128 = c0;
  const end = off + (<usize>K << 2);
  while (off < end) {
    const q = b + <usize>load<i32>(off);
    const s = v128.load32_splat(a);
    c0 = madd(s, v128.load(q), c0);
    c1 = madd(s, v128.load(q, 16), c1);
    c2 = madd(s, v128.load(q, 32), c2);
    c3 = madd(s, v128.load(q, 48), c3);
    c4 = madd(s, v128.load(q, 64), c4);
    c5 = madd(s, v128.load(q, 80), c5);
    c6 = madd(s, v128.load(q, 96), c6);
    c7 = madd(s, v128.load(q, 112), c7);
    a += 4;
    off += 4;
  }
  v128.store(tmp, c0); v128.store(tmp, c1, 16); v128.store(tmp, c2, 32); v128.store(tmp, c3, 48);
  v128.store(tmp, c4, 64); v128.store(tmp, c5, 80); v128.store(tmp, c6, 96); v128.store(tmp, c7, 112);
  storeRow(tmp, 8, y, oh, ow, Wq, OW, OH);
}

/**
 * Stores `vectors` accumulator vectors kept at tmp (consecutive flattened positions from row oh,
 * column ow of the prepped grid) into an output plane y (OH, OW): one copy per prepped row
 * segment, dropping the columns past OW and the rows past OH.
 */
function storeRow(tmp: usize, vectors: i32, y: usize, oh: i32, ow: i32, Wq: i32, OW: i32, OH: i32): void {
  const n = vectors << 2;
  let l = 0;
  while (l < n && oh < OH) {
    const seg = min(n - l, Wq - ow);
    const valid = min(seg, OW - ow);
    if (valid > 0) copy(y + (<usize>(oh * OW + ow) << 2), tmp + (<usize>l << 2), valid);
    l += seg;
    ow = 0;
    oh++;
  }
}

/**
 * The depthwise-like kernel along one output row: MR = 1 output channel x `nv` vectors (a
 * constant at each call site, up to 8) of consecutive positions, of which the first `valid` are
 * stored straight into y.
 *   a     the filter's weights (K);   b the row's first position in the prepped channel;   off (K) bytes
 *   y     the output row at that position;   tmp: 32 floats for a partial last vector
 */
@inline function rowKernel(nv: i32, a: usize, b: usize, off: usize, K: i32, bias: usize, y: usize, valid: i32, tmp: usize): void {
  let c0: v128 = v128.load32_splat(bias), c1: v128 = c0, c2: v128 = c0, c3: v128 = c0;
  let c4: v128 = c0, c5: v128 = c0, c6: v128 = c0, c7: v128 = c0;
  const end = off + (<usize>K << 2);
  while (off < end) {
    const q = b + <usize>load<i32>(off);
    const s = v128.load32_splat(a);
    c0 = madd(s, v128.load(q), c0);
    if (nv > 1) c1 = madd(s, v128.load(q, 16), c1);
    if (nv > 2) c2 = madd(s, v128.load(q, 32), c2);
    if (nv > 3) c3 = madd(s, v128.load(q, 48), c3);
    if (nv > 4) c4 = madd(s, v128.load(q, 64), c4);
    if (nv > 5) c5 = madd(s, v128.load(q, 80), c5);
    if (nv > 6) c6 = madd(s, v128.load(q, 96), c6);
    if (nv > 7) c7 = madd(s, v128.load(q, 112), c7);
    a += 4;
    off += 4;
  }
  const d = valid == nv << 2 ? y : tmp;
  v128.store(d, c0);
  if (nv > 1) v128.store(d, c1, 16);
  if (nv > 2) v128.store(d, c2, 32);
  if (nv > 3) v128.store(d, c3, 48);
  if (nv > 4) v128.store(d, c4, 64);
  if (nv > 5) v128.store(d, c5, 80);
  if (nv > 6) v128.store(d, c6, 96);
  if (nv > 7) v128.store(d, c7, 112);
  if (d == tmp) copy(y, tmp, valid);
}

/**
 * The depthwise kernel for three kernel rows at unit row step (KD = 1, KH = 3, sH = dH = 1: the
 * 3x3 depthwise convs of MobileNet-like networks, with any kernel width, column stride or
 * dilation): 4 output rows x 4 consecutive positions of one filter. Each input vector is loaded
 * once per kernel column and used by every output row it reaches (6 input rows feed 4 output
 * rows x 3 taps): half the loads of the row kernel. (Two vectors per row, 8 accumulators, ran
 * slower under V8: it spills.)
 *   a     the filter's weights (3, KW);   off   (KW) column tap offsets, bytes, in the prepped plane
 *   b     the prepped input at output row oh, column ow;   rowBytes: a prepped row (Wq floats)
 *   y     the output at (oh, ow);   yRow: an output row (OW floats);   valid: positions per row (<= 4)
 */
@inline function depthwise3Rows4(a: usize, b: usize, off: usize, KW: i32, bias: usize, rowBytes: usize, y: usize, yRow: usize, valid: i32, tmp: usize): void {
  let c0: v128 = v128.load32_splat(bias), c1: v128 = c0, c2: v128 = c0, c3: v128 = c0;
  const a1 = a + (<usize>KW << 2), a2 = a1 + (<usize>KW << 2);
  for (let kw = 0; kw < KW; kw++) {
    const kwb = <usize>kw << 2;
    let q = b + <usize>load<i32>(off + kwb);
    const w0 = v128.load32_splat(a + kwb), w1 = v128.load32_splat(a1 + kwb), w2 = v128.load32_splat(a2 + kwb);
    // input row r feeds output rows r (tap 0), r - 1 (tap 1) and r - 2 (tap 2)
    let x = v128.load(q);
    c0 = madd(w0, x, c0);
    q += rowBytes; x = v128.load(q);
    c0 = madd(w1, x, c0); c1 = madd(w0, x, c1);
    q += rowBytes; x = v128.load(q);
    c0 = madd(w2, x, c0); c1 = madd(w1, x, c1); c2 = madd(w0, x, c2);
    q += rowBytes; x = v128.load(q);
    c1 = madd(w2, x, c1); c2 = madd(w1, x, c2); c3 = madd(w0, x, c3);
    q += rowBytes; x = v128.load(q);
    c2 = madd(w2, x, c2); c3 = madd(w1, x, c3);
    q += rowBytes; x = v128.load(q);
    c3 = madd(w2, x, c3);
  }
  if (valid == 4) {
    v128.store(y, c0); y += yRow; v128.store(y, c1); y += yRow; v128.store(y, c2); y += yRow; v128.store(y, c3);
  } else {
    v128.store(tmp, c0); copy(y, tmp, valid); y += yRow;
    v128.store(tmp, c1); copy(y, tmp, valid); y += yRow;
    v128.store(tmp, c2); copy(y, tmp, valid); y += yRow;
    v128.store(tmp, c3); copy(y, tmp, valid);
  }
}

/** Positions per strip for a panel height. */
@inline function stripWidth(mr: i32): i32 {
  return mr == 4 ? 8 : 32;
}

/**
 * Work units. Implicit B (PACKB = 0): a unit is (n, od, g, block of BLOCK_STRIPS strips, panel).
 * Packed B (PACKB = 1): a unit is (n, od, g, strip) and runs every panel of the group over the
 * strip packed once into the thread's buffer (K x 8 floats, contiguous: stays in L1).
 */
const BLOCK_STRIPS = 8;

/** Number of work units gemm(P, u0, u1, buf) splits over threads. */
export function units(P: Params): i32 {
  const mr = P.MR, nr = stripWidth(mr);
  const L = (P.OH - 1) * P.QW + P.OW;
  const strips = (L + nr - 1) / nr;
  if (P.FUSED != 0) return P.N * P.G;
  const outer = P.N * P.OD * P.G;
  if (P.PACKB != 0) return outer * strips;
  const blocks = (strips + BLOCK_STRIPS - 1) / BLOCK_STRIPS;
  const panels = (P.FG + mr - 1) / mr;
  return outer * blocks * panels;
}

/**
 * Runs work units [u0, u1) of the convolution (units()): the depthwise-like path (FUSED) or the
 * strip path (dense and grouped). buf is the calling thread's buffer.
 */
export function gemm(P: Params, u0: i32, u1: i32, buf: usize): void {
  if (P.FUSED != 0) gemmDepthwise(P, u0, u1, buf);
  else gemmStrips(P, u0, u1, buf);
}

/**
 * The depthwise-like path (one input channel per group, MR = 1): a unit is (n, g); each channel
 * is prepped into this thread's buffer (stays in L1/L2) right before its filters slide over it,
 * 4 output rows at a time (depthwise3Rows4) where the taps allow, else row by row (rowKernel).
 *   buf   (QD, QH, QW) one prepped channel + 64 floats of slack | 64-float tile | i32 `prepped`
 *   ap    (G, Fg, K) weights, K = KD KH KW;   y (N, F, OD, OH, OW)
 */
function gemmDepthwise(P: Params, u0: i32, u1: i32, buf: usize): void {
  const g = P.G, Fg = P.FG, F = g * Fg;
  const K = P.KD * P.KH * P.KW;
  const ODv = P.OD, OHv = P.OH, OWv = P.OW, Hq = P.QH, Wq = P.QW;
  const panels = Fg;
  const cs = channelStride(P);
  const ap = <usize>P.AP, bias = <usize>P.BIAS, y = <usize>P.Y, off = <usize>P.OFF;
  const plane = ODv * OHv * OWv;
  const tmp = buf + (<usize>(cs + 64) << 2);
  // after the 64-float tile, a word the caller clears before each call: 1 once this thread's
  // buffer holds a prepped channel of this call, whose zero borders the next channels reuse
  const prepped = tmp + (64 << 2);
  let fresh = load<i32>(prepped) == 0;
  const KWv = P.KW, rowBytes = <usize>Wq << 2, yRow = <usize>OWv << 2;
  const rows4 = P.KD == 1 && P.KH == 3 && P.SH == 1 && P.DH == 1;
  for (let u = u0; u < u1; u++) {
    const gi = u % g, n = u / g;
    prepRange(P, n * g + gi, n * g + gi + 1, buf, fresh, true);
    fresh = false;
    store<i32>(prepped, 1);
    for (let pan = 0; pan < panels; pan++) {
      const f0 = gi * Fg + pan;
      const a = ap + (<usize>((gi * panels + pan) * K) << 2);
      const bb = bias + (<usize>f0 << 2);
      for (let od = 0; od < ODv; od++) {
        const xb = buf + (<usize>(od * Hq * Wq) << 2);
        const yf = y + (<usize>((n * F + f0) * plane + od * OHv * OWv) << 2);
        // blocks of 4 output rows where the taps allow (3 kernel rows at unit row step)
        let oh = 0;
        if (rows4) {
          for (; oh + 4 <= OHv; oh += 4) {
            const xr = xb + (<usize>(oh * Wq) << 2);
            const yr = yf + (<usize>(oh * OWv) << 2);
            let ow = 0;
            for (; ow + 4 <= OWv; ow += 4) depthwise3Rows4(a, xr + (<usize>ow << 2), off, KWv, bb, rowBytes, yr + (<usize>ow << 2), yRow, 4, tmp);
            if (ow < OWv) depthwise3Rows4(a, xr + (<usize>ow << 2), off, KWv, bb, rowBytes, yr + (<usize>ow << 2), yRow, OWv - ow, tmp);
          }
        }
        // strips along each remaining output row: stores go straight to y, no dropped columns
        for (; oh < OHv; oh++) {
          const xr = xb + (<usize>(oh * Wq) << 2);
          const yr = yf + (<usize>(oh * OWv) << 2);
          let ow = 0;
          for (; ow + 32 <= OWv; ow += 32) rowKernel(8, a, xr + (<usize>ow << 2), off, K, bb, yr + (<usize>ow << 2), 32, tmp);
          const rest = OWv - ow;
          if (rest > 0) {
            // the row's tail: as many vectors as it needs
            const xt = xr + (<usize>ow << 2), yt = yr + (<usize>ow << 2);
            switch ((rest + 3) >> 2) {
              case 1: rowKernel(1, a, xt, off, K, bb, yt, rest, tmp); break;
              case 2: rowKernel(2, a, xt, off, K, bb, yt, rest, tmp); break;
              case 3: rowKernel(3, a, xt, off, K, bb, yt, rest, tmp); break;
              case 4: rowKernel(4, a, xt, off, K, bb, yt, rest, tmp); break;
              case 5: rowKernel(5, a, xt, off, K, bb, yt, rest, tmp); break;
              case 6: rowKernel(6, a, xt, off, K, bb, yt, rest, tmp); break;
              case 7: rowKernel(7, a, xt, off, K, bb, yt, rest, tmp); break;
              default: rowKernel(8, a, xt, off, K, bb, yt, rest, tmp); break;
            }
          }
        }
      }
    }
  }
}

/**
 * The strip path (MR = 4, or 1 for two filters per group): output positions flattened over the
 * prepped grid, j = oh QW + ow, in strips of NR (8 for MR 4, 32 for MR 1), each strip times each
 * panel of MR filters by a micro-kernel.
 *   Implicit B (PACKB = 0): a unit is (n, od, g, block of BLOCK_STRIPS strips, panel); B rows are
 *     read in place, row k of a strip at xp + off[k] + j.
 *   Packed B (PACKB = 1): a unit is (n, od, g, strip): the strip's K x 8 im2col is copied once
 *     into buf and reused by every panel of the group.
 *   xp (N, C, cs) prepped input;   ap (G, panels, K, MR);   off (K) bytes;   y (N, F, OD, OH, OW)
 */
function gemmStrips(P: Params, u0: i32, u1: i32, buf: usize): void {
  const mr = P.MR, nr = stripWidth(mr);
  const g = P.G, Cg = P.CG, Fg = P.FG, F = g * Fg;
  const K = Cg * P.KD * P.KH * P.KW;
  const ODv = P.OD, OHv = P.OH, OWv = P.OW, Hq = P.QH, Wq = P.QW;
  const L = (OHv - 1) * Wq + OWv;
  const strips = (L + nr - 1) / nr;
  const blocks = (strips + BLOCK_STRIPS - 1) / BLOCK_STRIPS;
  const panels = (Fg + mr - 1) / mr;
  const packB = P.PACKB != 0;
  // a depth slice of one phase plane is Hq * Wq floats (with the identity prep xp is x itself)
  const cs = channelStride(P);
  const xp = <usize>P.XP, ap = <usize>P.AP, bias = <usize>P.BIAS, y = <usize>P.Y, off = <usize>P.OFF;
  const plane = ODv * OHv * OWv;
  const fStride = <usize>plane << 2;
  for (let u = u0; u < u1; u++) {
    let r = u, pan0 = 0, pan1 = panels, s0 = 0, s1 = 0;
    if (packB) {
      s0 = r % strips; s1 = s0 + 1; r /= strips;
    } else {
      pan0 = r % panels; pan1 = pan0 + 1; r /= panels;
      const blk = r % blocks; r /= blocks;
      s0 = blk * BLOCK_STRIPS; s1 = min(strips, s0 + BLOCK_STRIPS);
    }
    const gi = r % g; r /= g;
    const od = r % ODv;
    const n = r / ODv;
    const xb = xp + (<usize>((n * g + gi) * Cg * cs + od * Hq * Wq) << 2);
    const yb = y + (<usize>(n * F * plane + od * OHv * OWv) << 2);
    if (packB) {
      // im2col of one strip: row k = the 8 positions' values for tap k
      const b = xb + (<usize>(s0 * nr) << 2);
      for (let k = 0; k < K; k++) {
        const q = b + <usize>load<i32>(off + (<usize>k << 2));
        v128.store(buf + (<usize>k << 5), v128.load(q));
        v128.store(buf + (<usize>k << 5), v128.load(q, 16), 16);
      }
    }
    for (let pan = pan0; pan < pan1; pan++) {
      const f0 = gi * Fg + pan * mr;
      const rows = min(mr, Fg - pan * mr);
      const a = ap + (<usize>((gi * panels + pan) * K * mr) << 2);
      const yf = yb + (<usize>f0 * fStride);
      const bb = bias + (<usize>f0 << 2);
      for (let s = s0; s < s1; s++) {
        const j0 = s * nr;
        const oh = j0 / Wq, ow = j0 - oh * Wq;
        if (mr == 4) {
          if (packB) kernel4x8(true, a, buf, off, K, bb, rows, yf, fStride, oh, ow, Wq, OWv, OHv);
          else kernel4x8(false, a, xb + (<usize>j0 << 2), off, K, bb, rows, yf, fStride, oh, ow, Wq, OWv, OHv);
        } else {
          kernel1x32(a, xb + (<usize>j0 << 2), off, K, bb, yf, oh, ow, Wq, OWv, OHv, buf);
        }
      }
    }
  }
}

/**
 * One output phase of a strided transposed conv into y (src/kernels/wasm-transposed.ts,
 * convTransposeSubPixel):
 *   z (planes, cD, cH, cW) -> y[p, qd sD + pD, qh sH + pH, qw sW + pW] of y (planes, oD, oH, oW)
 *   z, y byte offsets;   s the strides, p the phase, c the phase's output counts
 */
export function scatterPhase(z: usize, y: usize, planes: i32, cD: i32, cH: i32, cW: i32, sD: i32, sH: i32, sW: i32, oD: i32, oH: i32, oW: i32, pD: i32, pH: i32, pW: i32): void {
  const plane = oD * oH * oW;
  const step = <usize>sW << 2;
  for (let p = 0; p < planes; p++) {
    for (let qd = 0; qd < cD; qd++) {
      for (let qh = 0; qh < cH; qh++) {
        let dst = y + (<usize>(p * plane + ((qd * sD + pD) * oH + qh * sH + pH) * oW + pW) << 2);
        if (sW == 2) {
          // two outputs per step: z's 4 values go to every other float of 8
          let qw = 0;
          for (; qw + 4 <= cW; qw += 4) {
            const v = v128.load(z);
            store<f32>(dst, f32x4.extract_lane(v, 0));
            store<f32>(dst, f32x4.extract_lane(v, 1), 8);
            store<f32>(dst, f32x4.extract_lane(v, 2), 16);
            store<f32>(dst, f32x4.extract_lane(v, 3), 24);
            z += 16;
            dst += 32;
          }
          for (; qw < cW; qw++) {
            store<f32>(dst, load<f32>(z));
            z += 4;
            dst += 8;
          }
        } else {
          for (let qw = 0; qw < cW; qw++) {
            store<f32>(dst, load<f32>(z));
            z += 4;
            dst += step;
          }
        }
      }
    }
  }
}

/**
 * y = relu(x) for n floats, bit for bit as the reference loop (src/kernels/reference.ts): on the bits b,
 * b is kept unless its sign is set (a negative number or -0, which become +0) and it is not a NaN
 * (a NaN is kept, payload and sign included). Integer ops, so no NaN is canonicalized.
 */
export function relu(x: usize, y: usize, n: i32): void {
  const end = y + (<usize>n << 2);
  const inf = i32x4.splat(0x7f800000), abs = i32x4.splat(0x7fffffff);
  while (y + 16 <= end) {
    const b = v128.load(x);
    // all ones where b is a NaN: its magnitude's bits exceed infinity's
    const nan = i32x4.shr_s(i32x4.sub(inf, v128.and(b, abs)), 31);
    v128.store(y, v128.and(b, v128.or(v128.not(i32x4.shr_s(b, 31)), nan)));
    x += 16;
    y += 16;
  }
  while (y < end) {
    const b = load<i32>(x);
    store<i32>(y, b & (~(b >> 31) | ((0x7f800000 - (b & 0x7fffffff)) >> 31)));
    x += 4;
    y += 4;
  }
}

/** One whole convolution on the calling thread. */
export function conv(P: Params, buf: usize): void {
  pack(P);
  gemm(P, 0, units(P), buf);
}
