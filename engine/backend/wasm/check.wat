;; The core's checks: unscale-and-check (with the micro-batch sum), the squared norm
;; for the gradient norm, and the finiteness test. Each mirrors the CPU reference
;; (cpu/cpuBackend.ts): fp32 where it rounds each step to fp32, fp64 where it sums in JS numbers.

  ;; g32 = (accumulate ? g32 : 0) + g / scale in fp32; returns 1 if any g is NaN/Inf.
  ;; inv (0 = none) is 1 / scale when that is exact (scale a power of two): g * inv is then
  ;; g / scale bit for bit (both round the same real number), and a multiply is several
  ;; times cheaper than a divide
  (func (export "unscale") (param $g32 i32) (param $g i32) (param $n i32) (param $scale f32) (param $inv f32) (param $accumulate i32) (result i32)
    (local $i i32) (local $v v128) (local $u v128) (local $bad v128) (local $o i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $v (v128.load (i32.add (local.get $g) (local.get $o))))
      ;; x - x is 0 for finite x and NaN for NaN/Inf
      ;; (lanes past n, the tensor's padding, do not count)
      (local.set $bad (v128.or (local.get $bad) (v128.and
        (f32x4.ne (f32x4.sub (local.get $v) (local.get $v)) (f32x4.splat (f32.const 0)))
        (i32x4.lt_s (i32x4.add (i32x4.splat (local.get $i)) (v128.const i32x4 0 1 2 3)) (i32x4.splat (local.get $n))))))
      (local.set $u (if (result v128) (f32.ne (local.get $inv) (f32.const 0))
        (then (f32x4.mul (local.get $v) (f32x4.splat (local.get $inv))))
        (else (f32x4.div (local.get $v) (f32x4.splat (local.get $scale))))))
      (if (local.get $accumulate) (then
        (local.set $u (f32x4.add (v128.load (i32.add (local.get $g32) (local.get $o))) (local.get $u)))))
      (v128.store (i32.add (local.get $g32) (local.get $o)) (local.get $u))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (v128.any_true (local.get $bad)))

  ;; sum p[i]^2 in fp64 (two lanes)
  (func (export "sumsq") (param $p i32) (param $n i32) (result f64)
    (local $i i32) (local $acc v128) (local $v v128) (local $s f64)
    (block $done (loop $l
      (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
      (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $v) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $l)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.lt_s (local.get $i) (local.get $n)) (then
      (local.set $s (f64.add (local.get $s) (f64.mul
        (f64.promote_f32 (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (f64.promote_f32 (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))))))
    (local.get $s))

  ;; 1 if any of p[0..n) is NaN/Inf: x - x is 0 for finite x, NaN otherwise. Four vectors
  ;; an iteration (blocks are whole 64-byte lines, the padding zero), then the rest
  (func (export "nonfinite") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $end4 i32) (local $v v128) (local $bad v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $p) (i32.and (i32.shl (local.get $n) (i32.const 2)) (i32.const -64))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
      (local.set $bad (v128.or (local.get $bad) (v128.or
        (v128.or (f32x4.sub (v128.load (local.get $p)) (v128.load (local.get $p)))
                 (f32x4.sub (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $p))))
        (v128.or (f32x4.sub (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $p)))
                 (f32x4.sub (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $p)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $l)))
    (block $done2 (loop $l2
      (br_if $done2 (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      (local.set $bad (v128.or (local.get $bad) (f32x4.sub (local.get $v) (local.get $v))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l2)))
    ;; bits of 0 or -0 only where every difference was finite
    (v128.any_true (v128.and (local.get $bad) (i32x4.splat (i32.const 0x7FFFFFFF)))))
