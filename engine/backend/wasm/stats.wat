;; Tensor statistics of one observation (the CPU reference is cpu/cpuStats.ts), into a
;; record at `out`: i32 zero, subnormal, underflow, overflow, nan, inf; f32 minAbs,
;; maxAbs; i32 hist[65] of floor(log2|x|) clamped to [-40, 24]. floor(log2|x|) is the
;; unbiased exponent field (fp32 subnormals are far below -40, so they clamp too).
;; `before` (0 = none) holds the pre-cast values: nonzero -> 0 is an underflow,
;; finite -> Inf an overflow. `sub` is the subnormal limit of the stored format.
;; Four lanes at a time: each class is a lane mask (all ones = 1 when subtracted from a
;; count), extremes are masked min/max, and each lane adds its mask bit to its
;; histogram bin (the only scalar part). Each lane has its own copy of the histogram at
;; `lanes` (4 x 65 i32), summed into the record at the end: with one copy, neighbouring
;; values hit the same bin and each add waits for the last one's store. Lanes past n read the tensor's padding, which every
;; kernel keeps zero (wasmHeap.ts): there they can only count as zeros, so the loop does not
;; mask them and the zero count drops them at the end (an eighth fewer instructions).

  (func (export "observe") (param $x i32) (param $before i32) (param $n i32) (param $sub f32) (param $out i32) (param $lanes i32)
    (local $i i32) (local $v v128) (local $a v128) (local $b v128) (local $nz v128)
    (local $zero v128) (local $nan v128) (local $inf v128) (local $bfinite v128)
    (local $cZero v128) (local $cSub v128) (local $cUnder v128) (local $cOver v128) (local $cNan v128) (local $cInf v128)
    (local $vmin v128) (local $vmax v128) (local $bin v128) (local $p i32) (local $base v128)
    (local.set $vmin (f32x4.splat (f32.const inf)))
    (memory.fill (local.get $out) (i32.const 0) (i32.const 292))
    (memory.fill (local.get $lanes) (i32.const 0) (i32.const 1040))
    (local.set $base (i32x4.add (i32x4.splat (i32.sub (local.get $lanes) (i32.const 348))) (v128.const i32x4 0 260 520 780)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $a (f32x4.abs (local.get $v)))
      (local.set $nan (f32x4.ne (local.get $v) (local.get $v)))
      (local.set $inf (f32x4.eq (local.get $a) (f32x4.splat (f32.const inf))))
      (local.set $zero (f32x4.eq (local.get $a) (f32x4.splat (f32.const 0))))
      ;; finite and nonzero (NaN compares false)
      (local.set $nz (v128.and (f32x4.gt (local.get $a) (f32x4.splat (f32.const 0))) (f32x4.lt (local.get $a) (f32x4.splat (f32.const inf)))))
      (local.set $cNan (i32x4.sub (local.get $cNan) (local.get $nan)))
      (local.set $cInf (i32x4.sub (local.get $cInf) (local.get $inf)))
      (local.set $cZero (i32x4.sub (local.get $cZero) (local.get $zero)))
      (local.set $cSub (i32x4.sub (local.get $cSub) (v128.and (local.get $nz) (f32x4.lt (local.get $a) (f32x4.splat (local.get $sub))))))
      (if (local.get $before) (then
        (local.set $b (v128.load (i32.add (local.get $before) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $bfinite (f32x4.eq (f32x4.sub (local.get $b) (local.get $b)) (f32x4.splat (f32.const 0))))
        (local.set $cOver (i32x4.sub (local.get $cOver) (v128.and (local.get $inf) (local.get $bfinite))))
        (local.set $cUnder (i32x4.sub (local.get $cUnder) (v128.and (local.get $zero)
          (v128.and (local.get $bfinite) (f32x4.ne (local.get $b) (f32x4.splat (f32.const 0)))))))))
      ;; extremes of |x| over finite nonzero lanes, compared as integers: the bits of
      ;; non-negative floats order as the values do, and i32x4.min_s is one instruction
      ;; where f32x4.min (NaN and -0 rules) is several
      (local.set $vmin (i32x4.min_s (local.get $vmin) (v128.bitselect (local.get $a) (f32x4.splat (f32.const inf)) (local.get $nz))))
      (local.set $vmax (i32x4.max_s (local.get $vmax) (v128.and (local.get $a) (local.get $nz))))
      ;; bin address lanes + 260 lane + 4 (clamp(exponent, -40, 24) + 40), from the biased
      ;; exponent e: clamp(e, 87, 151) * 4 + (lanes - 348 + 260 lane); each lane adds its mask bit
      (local.set $bin (i32x4.add (local.get $base)
        (i32x4.shl (i32x4.min_s (i32x4.max_s (i32x4.shr_u (local.get $a) (i32.const 23))
          (i32x4.splat (i32.const 87))) (i32x4.splat (i32.const 151))) (i32.const 2))))
      (local.set $nz (v128.and (local.get $nz) (i32x4.splat (i32.const 1))))
      (local.set $p (i32x4.extract_lane 0 (local.get $bin)))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32x4.extract_lane 0 (local.get $nz))))
      (local.set $p (i32x4.extract_lane 1 (local.get $bin)))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32x4.extract_lane 1 (local.get $nz))))
      (local.set $p (i32x4.extract_lane 2 (local.get $bin)))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32x4.extract_lane 2 (local.get $nz))))
      (local.set $p (i32x4.extract_lane 3 (local.get $bin)))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32x4.extract_lane 3 (local.get $nz))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    ;; the record's histogram: the four lanes' copies summed
    (local.set $i (i32.const 0))
    (block $hdone (loop $hs
      (br_if $hdone (i32.ge_u (local.get $i) (i32.const 260)))
      (local.set $p (i32.add (local.get $lanes) (local.get $i)))
      (i32.store offset=32 (i32.add (local.get $out) (local.get $i))
        (i32.add (i32.add (i32.load (local.get $p)) (i32.load offset=260 (local.get $p)))
                 (i32.add (i32.load offset=520 (local.get $p)) (i32.load offset=780 (local.get $p)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $hs)))
    (i32.store offset=0 (local.get $out) (i32.sub (call $sum4 (local.get $cZero)) (i32.and (i32.sub (i32.const 0) (local.get $n)) (i32.const 3))))
    (i32.store offset=4 (local.get $out) (call $sum4 (local.get $cSub)))
    (i32.store offset=8 (local.get $out) (call $sum4 (local.get $cUnder)))
    (i32.store offset=12 (local.get $out) (call $sum4 (local.get $cOver)))
    (i32.store offset=16 (local.get $out) (call $sum4 (local.get $cNan)))
    (i32.store offset=20 (local.get $out) (call $sum4 (local.get $cInf)))
    (f32.store offset=24 (local.get $out) (f32.min (f32.min (f32x4.extract_lane 0 (local.get $vmin)) (f32x4.extract_lane 1 (local.get $vmin)))
                                                   (f32.min (f32x4.extract_lane 2 (local.get $vmin)) (f32x4.extract_lane 3 (local.get $vmin)))))
    (f32.store offset=28 (local.get $out) (f32.max (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
                                                   (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax))))))

  (func $sum4 (param $v v128) (result i32)
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
             (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))
