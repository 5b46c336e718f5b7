/**
 * Deterministic elementary functions. `Math.log`, `Math.exp` and friends are not required to be
 * correctly rounded, and JavaScript engines do differ in the last bit (Node 20's V8 and current
 * Chromium's do), which would make the same seed give different numbers in the CLI and in the
 * browser. These are straight ports of fdlibm 5.3 (Sun Microsystems, freely redistributable),
 * built only from IEEE-754 additions, multiplications and divisions, which every engine rounds
 * the same way: the same inputs give the same bits everywhere.
 */

// The constants are fdlibm's, written with fdlibm's digits: each parses to the double its hex comment in
// fdlibm gives (hence the lint override in biome.json).
// Scratch space to read and write the two 32-bit halves of a double; no value survives a call.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

function hi(x: number): number {
  f64[0] = x;
  return u32[HI]!;
}
function lo(x: number): number {
  f64[0] = x;
  return u32[LO]!;
}
function withHi(x: number, high: number): number {
  f64[0] = x;
  u32[HI] = high >>> 0;
  return f64[0]!;
}
function fromWords(high: number, low: number): number {
  u32[HI] = high >>> 0;
  u32[LO] = low >>> 0;
  return f64[0]!;
}

/** 2^j at index j + POW2_BIAS, for j from -POW2_BIAS to 1023 (exact: every one is a double). */
const POW2_BIAS = 1024;
const POW2 = Float64Array.from({ length: 2048 }, (_, i) => 2 ** (i - POW2_BIAS));

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/**
 * `Math.floor(log(u) / d)` for u in (0, 1) and d < 0, the same integer as with this module's `log`,
 * at half its cost: the platform's `Math.log` (within a few ulp of the true value in every engine)
 * decides unless the ratio lies within a relative 1e-9 of an integer, where only exact `log` can.
 */
export function floorLogRatio(u: number, d: number): number {
  const q = Math.log(u) / d;
  const f = Math.floor(q);
  const margin = 1e-9 * (q + 1);
  const r = q - f;
  // Kept this small so that it inlines into the draw loops; the rare exact case is a call.
  return r > margin && r < 1 - margin ? f : floorLogRatioExact(u, d);
}

/** `floorLogRatio` by this module's `log` alone. */
function floorLogRatioExact(u: number, d: number): number {
  return Math.floor(log(u) / d);
}

/** Natural logarithm (fdlibm e_log.c). */
export function log(x: number): number {
  let hx = hi(x) | 0;
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lo(x)) === 0) return Number.NEGATIVE_INFINITY;
    if (hx < 0) return Number.NaN;
    k -= 54;
    x *= TWO54;
    hx = hi(x) | 0;
  }
  if (hx >= 0x7ff00000) return x + x;
  const e = (hx >> 20) - 1023;
  k += e;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  // fdlibm rewrites x's exponent to bring it into [sqrt(2)/2, sqrt(2)); multiplying by the power of
  // two is exact and gives the same bits without writing half a double and reading it whole.
  x *= POW2[POW2_BIAS - e - (i0 >> 20)]!;
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f === 0) {
      if (k === 0) return 0;
      return k * LN2_HI + k * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k === 0) return f - R;
    return k * LN2_HI - (R - k * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.4513321910194110842e2;
const INVLN2 = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
const TWOM1000 = 9.3326361850321887899e-302;

/** e^x (fdlibm e_exp.c). */
export function exp(x: number): number {
  let hx = hi(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lo(x)) !== 0) return x + x;
      return xsb === 0 ? x : 0;
    }
    if (x > O_THRESHOLD) return Number.POSITIVE_INFINITY;
    if (x < U_THRESHOLD) return 0;
  }
  let k = 0;
  let hiPart = 0;
  let loPart = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      hiPart = x - (xsb === 0 ? LN2_HI : -LN2_HI);
      loPart = xsb === 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(INVLN2 * x + (xsb === 0 ? 0.5 : -0.5));
      hiPart = x - k * LN2_HI;
      loPart = k * LN2_LO;
    }
    x = hiPart - loPart;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (loPart - (x * c) / (2.0 - c) - hiPart);
  if (k >= -1021) return withHi(y, (hi(y) + (k << 20)) | 0);
  return withHi(y, (hi(y) + ((k + 1000) << 20)) | 0) * TWOM1000;
}

const LP1 = 6.66666666666673513e-1;
const LP2 = 3.999999999940941908e-1;
const LP3 = 2.857142874366239149e-1;
const LP4 = 2.222219843214978396e-1;
const LP5 = 1.818357216161805012e-1;
const LP6 = 1.531383769920937332e-1;
const LP7 = 1.479819860511658591e-1;

/** log(1 + x), accurate for small x (fdlibm s_log1p.c). */
export function log1p(x: number): number {
  const hx = hi(x) | 0;
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) {
      if (x === -1.0) return Number.NEGATIVE_INFINITY;
      return Number.NaN;
    }
    if (ax < 0x3e200000) {
      if (ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) {
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = hi(u) | 0;
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      hu = hi(u) | 0;
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHi(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHi(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    if (f === 0) {
      if (k === 0) return 0;
      c += k * LN2_LO;
      return k * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k === 0) return f - R;
    return k * LN2_HI - (R - (k * LN2_LO + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

/** e^x − 1, accurate for small x (fdlibm s_expm1.c). */
export function expm1(x: number): number {
  let hx = hi(x);
  const xsb = hx & 0x80000000;
  const y0 = xsb === 0 ? x : -x;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | lo(x)) !== 0) return x + x;
        return xsb === 0 ? x : -1.0;
      }
      if (x > O_THRESHOLD) return Number.POSITIVE_INFINITY;
    }
    if (xsb !== 0) return -1.0;
  }
  let k = 0;
  let c = 0;
  let hiPart = 0;
  let loPart = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (xsb === 0) {
        hiPart = x - LN2_HI;
        loPart = LN2_LO;
        k = 1;
      } else {
        hiPart = x + LN2_HI;
        loPart = -LN2_LO;
        k = -1;
      }
    } else {
      k = Math.trunc(INVLN2 * x + (xsb === 0 ? 0.5 : -0.5));
      hiPart = x - k * LN2_HI;
      loPart = k * LN2_LO;
    }
    x = hiPart - loPart;
    c = hiPart - x - loPart;
  } else if (hx < 0x3c900000) {
    return x;
  } else {
    k = 0;
  }
  void y0;
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  if (k <= -2 || k > 56) {
    let y = 1.0 - (e - x);
    y = withHi(y, (hi(y) + (k << 20)) | 0);
    return y - 1.0;
  }
  if (k < 20) {
    const t2 = fromWords((0x3ff00000 - (0x200000 >> k)) | 0, 0);
    let y = t2 - (e - x);
    y = withHi(y, (hi(y) + (k << 20)) | 0);
    return y;
  }
  const t3 = fromWords(((0x3ff - k) << 20) | 0, 0);
  let y = x - (e + t3);
  y += 1.0;
  y = withHi(y, (hi(y) + (k << 20)) | 0);
  return y;
}

/**
 * x^y: whole powers up to 64 by repeated multiplication (exact for small cases), otherwise
 * e^(y·log x) with fdlibm's exp and log, whose relative error grows with |y·log x| (about
 * |y·log x| units in the last place: none for the exponents of a rate, hundreds near the largest
 * doubles). A negative base takes a whole power of any size; with a fractional one it has no real value (NaN).
 */
export function pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (Number.isInteger(y) && Math.abs(y) <= 64) {
    let n = Math.abs(y);
    let base = x;
    let result = 1;
    while (n > 0) {
      if (n & 1) result *= base;
      base *= base;
      n >>= 1;
    }
    return y < 0 ? 1 / result : result;
  }
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0) return y > 0 ? 0 : Number.POSITIVE_INFINITY;
  if (x < 0) {
    if (!Number.isInteger(y)) return Number.NaN;
    // Every whole number of 2^53 or more is even; below, the parity of y gives the sign.
    const odd = Math.abs(y) < 2 ** 53 && Math.abs(y) % 2 === 1;
    const magnitude = pow(-x, y);
    return odd ? -magnitude : magnitude;
  }
  if (x === Number.POSITIVE_INFINITY) return y > 0 ? Number.POSITIVE_INFINITY : 0;
  if (x === 1) return 1;
  return exp(y * log(x));
}

// --- sine, cosine and tangent (fdlibm 5.3 k_sin.c, k_cos.c, k_tan.c, s_sin.c, s_cos.c, s_tan.c, e_rem_pio2.c) ---
// V8 builds may take Math.sin and Math.cos from glibc or from fdlibm (a build flag that Node and
// Chromium need not share), so these are ported too.

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** sin(x + y) for |x| <= π/4, y the tail of x; `iy` 0 when y is 0. */
function kernelSin(x: number, y: number, iy: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;

/** cos(x + y) for |x| <= π/4, y the tail of x. */
function kernelCos(x: number, y: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const hz = 0.5 * z - qx;
  return 1 - qx - (hz - (z * r - x * y));
}

const T = [
  3.33333333333334091986e-1, 1.33333333333201242699e-1, 5.39682539762260521377e-2, 2.18694882948595424599e-2, 8.86323982359930005737e-3,
  3.59207910759131235356e-3, 1.45620945432529025516e-3, 5.88041240820264096874e-4, 2.46463134818469906812e-4, 7.817944429395570923e-5,
  7.14072491382608190305e-5, -1.85586374855275456654e-5, 2.59073051863633712884e-5,
] as const;
const PIO4 = 7.85398163397448278999e-1;
const PIO4_LO = 3.06161699786838301793e-17;

/** −1 / (w) where w = x + r, computed carefully from its parts (fdlibm's "compute -1/(x+r) accurately"). */
function minusReciprocal(x: number, r: number, w: number): number {
  const z = withLo(w, 0);
  const v = r - (z - x);
  const a = -1 / w;
  const t = withLo(a, 0);
  const s = 1 + t * z;
  return t + a * (s + t * v);
}

/** tan(x + y) for |x| <= π/4 when `iy` is 1, −1/tan(x + y) when it is −1. */
function kernelTan(x: number, y: number, iy: number): number {
  const hx = hi(x) | 0;
  const ix = hx & 0x7fffffff;
  if (ix < 0x3e300000 && Math.trunc(x) === 0) {
    if ((ix | lo(x) | (iy + 1)) === 0) return 1 / Math.abs(x);
    return iy === 1 ? x : minusReciprocal(x, y, x + y);
  }
  const big = ix >= 0x3fe59428;
  if (big) {
    if (hx < 0) {
      x = -x;
      y = -y;
    }
    x = PIO4 - x + (PIO4_LO - y);
    y = 0;
  }
  const z = x * x;
  const w = z * z;
  let r = T[1] + w * (T[3] + w * (T[5] + w * (T[7] + w * (T[9] + w * T[11]))));
  const v = z * (T[2] + w * (T[4] + w * (T[6] + w * (T[8] + w * (T[10] + w * T[12])))));
  const s = z * x;
  r = y + z * (s * (r + v) + y);
  r += T[0] * s;
  const sum = x + r;
  if (big) return (1 - ((hx >> 30) & 2)) * (iy - 2 * (x - ((sum * sum) / (sum + iy) - r)));
  return iy === 1 ? sum : minusReciprocal(x, r, sum);
}

function withLo(x: number, low: number): number {
  f64[0] = x;
  u32[LO] = low >>> 0;
  return f64[0]!;
}

const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.0771005063039659766e-11;
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.0222662487111664558e-21;
const PIO2_3T = 8.47842766036889956997e-32;
/** High words of n·π/2 for n = 1 … 32: a reduction near them needs the second and third steps. */
const NPIO2_HW = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a, 0x402f6a7a, 0x4031475c,
  0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb, 0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c,
  0x4042106c, 0x4042d97c, 0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
] as const;

/** x − n·π/2 as a head and tail `[y0, y1]`, with n mod 4 (fdlibm e_rem_pio2.c; huge |x| in `reduceHuge`). */
function remPio2(x: number, y: [number, number]): number {
  const hx = hi(x) | 0;
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1.
    const sign = hx > 0 ? 1 : -1;
    let z = x - sign * PIO2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z - sign * PIO2_1T;
      y[1] = z - y[0] - sign * PIO2_1T;
    } else {
      z -= sign * PIO2_2;
      y[0] = z - sign * PIO2_2T;
      y[1] = z - y[0] - sign * PIO2_2T;
    }
    return sign;
  }
  if (ix > 0x413921fb) return reduceHuge(x, y);
  const t = Math.abs(x);
  const n = Math.trunc(t * INV_PIO2 + 0.5);
  let r = t - n * PIO2_1;
  let w = n * PIO2_1T;
  y[0] = r - w;
  if (n >= 32 || ix === NPIO2_HW[n - 1]) {
    // Cancellation: repeat with the next 33 bits of π/2, then the next.
    const j = ix >> 20;
    if (j - ((hi(y[0]) >> 20) & 0x7ff) > 16) {
      let u = r;
      w = n * PIO2_2;
      r = u - w;
      w = n * PIO2_2T - (u - r - w);
      y[0] = r - w;
      if (j - ((hi(y[0]) >> 20) & 0x7ff) > 49) {
        u = r;
        w = n * PIO2_3;
        r = u - w;
        w = n * PIO2_3T - (u - r - w);
        y[0] = r - w;
      }
    }
  }
  y[1] = r - y[0] - w;
  if (hx < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}

/** Bits of 2/π after the binary point, as a fixed-point integer: enough for the largest double (2^1024) and 53 + 128 bits more. */
const TWO_OVER_PI_BITS = 1280;
let twoOverPi: bigint | undefined;

/** arctan(1/k) · 2^bits, rounded down, by its Taylor series in exact integer arithmetic. */
function arctanInverse(k: bigint, bits: bigint): bigint {
  const k2 = k * k;
  let power = (1n << bits) / k;
  let sum = power;
  for (let n = 3n, sign = -1n; power !== 0n; n += 2n, sign = -sign) {
    power /= k2;
    sum += (sign * power) / n;
  }
  return sum;
}

/** 2/π · 2^TWO_OVER_PI_BITS, from Machin's formula π = 16 arctan(1/5) − 4 arctan(1/239) with 64 guard bits. */
function twoOverPiFixed(): bigint {
  if (twoOverPi === undefined) {
    const guard = 64n;
    const bits = BigInt(TWO_OVER_PI_BITS) + guard;
    const pi = 16n * arctanInverse(5n, bits) - 4n * arctanInverse(239n, bits);
    twoOverPi = (1n << (2n * bits + 1n - guard)) / pi;
  }
  return twoOverPi;
}

const PIO2_HI = 1.5707963267948966;
const PIO2_LO = 6.123233995736766e-17;
const SPLIT = 134217729; // 2^27 + 1

/** The rounding error of a·b (Dekker's product), so that a·b = (a*b) + error exactly. */
function productError(a: number, b: number, product: number): number {
  const ca = SPLIT * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLIT * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ah * bh - product + ah * bl + al * bh + al * bl;
}

/** 2^k for a whole k in the normal range, built from its bits. */
function pow2(k: number): number {
  return fromWords((k + 1023) << 20, 0);
}

/**
 * Reduction of |x| > 2^19·π/2 in exact integer arithmetic (fdlibm's k_rem_pio2.c does the same with
 * doubles): x·2/π = m·2^e·(2/π) is formed exactly, n is its integer part mod 4 and the fraction,
 * taken to 106 significant bits, is multiplied back by π/2 in double-double arithmetic.
 */
function reduceHuge(x: number, y: [number, number]): number {
  if (!Number.isFinite(x)) {
    y[0] = Number.NaN;
    y[1] = Number.NaN;
    return 0;
  }
  const ax = Math.abs(x);
  const exponent = ((hi(ax) >> 20) & 0x7ff) - 1075; // ax = mantissa · 2^exponent, ax >= 2^20
  const mantissa = (BigInt((hi(ax) & 0xfffff) | 0x100000) << 32n) | BigInt(lo(ax));
  const shift = BigInt(TWO_OVER_PI_BITS - exponent);
  const product = mantissa * twoOverPiFixed();
  let n = Number((product >> shift) & 3n);
  let fraction = product & ((1n << shift) - 1n);
  if (fraction >= 1n << (shift - 1n)) {
    fraction -= 1n << shift;
    n = (n + 1) & 3;
  }
  const negative = fraction < 0n;
  if (negative) fraction = -fraction;
  const length = fraction.toString(2).length;
  const drop = Math.max(0, length - 106);
  const top = fraction >> BigInt(drop);
  const scale = drop - Number(shift);
  const head = Number(top >> 53n) * pow2(scale + 53);
  const tail = Number(top & ((1n << 53n) - 1n)) * pow2(scale);
  const s = head + tail;
  const sl = tail - (s - head);
  const p = s * PIO2_HI;
  const rest = productError(s, PIO2_HI, p) + s * PIO2_LO + sl * PIO2_HI;
  const sign = negative ? -1 : 1;
  y[0] = sign * (p + rest);
  y[1] = sign * (rest - (p + rest - p));
  if (x < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}

/** Sine (fdlibm s_sin.c). */
export function sin(x: number): number {
  if ((hi(x) & 0x7fffffff) <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if ((hi(x) & 0x7fffffff) >= 0x7ff00000) return Number.NaN;
  const y: [number, number] = [0, 0];
  const n = remPio2(x, y) & 3;
  if (n === 0) return kernelSin(y[0], y[1], 1);
  if (n === 1) return kernelCos(y[0], y[1]);
  if (n === 2) return -kernelSin(y[0], y[1], 1);
  return -kernelCos(y[0], y[1]);
}

/** Cosine (fdlibm s_cos.c). */
export function cos(x: number): number {
  if ((hi(x) & 0x7fffffff) <= 0x3fe921fb) return kernelCos(x, 0);
  if ((hi(x) & 0x7fffffff) >= 0x7ff00000) return Number.NaN;
  const y: [number, number] = [0, 0];
  const n = remPio2(x, y) & 3;
  if (n === 0) return kernelCos(y[0], y[1]);
  if (n === 1) return -kernelSin(y[0], y[1], 1);
  if (n === 2) return -kernelCos(y[0], y[1]);
  return kernelSin(y[0], y[1], 1);
}

/** Tangent (fdlibm s_tan.c). */
export function tan(x: number): number {
  if ((hi(x) & 0x7fffffff) <= 0x3fe921fb) return kernelTan(x, 0, 1);
  if ((hi(x) & 0x7fffffff) >= 0x7ff00000) return Number.NaN;
  const y: [number, number] = [0, 0];
  const n = remPio2(x, y);
  return kernelTan(y[0], y[1], 1 - ((n & 1) << 1));
}
