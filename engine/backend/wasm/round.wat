;; Round to nearest even, fp32 -> fp16 / bf16 value (kept as fp32), four lanes at once.
;; fp16, on |x|:
;;   normal (|x| >= 2^-14): drop 13 mantissa bits with round-to-nearest-even on the bit
;;     pattern: (bits + 0xFFF + lsb) & ~0x1FFF, lsb = bit 13; a carry moves the exponent.
;;   subnormal (|x| < 2^-14): fp16 steps are 2^-24 there, which is the ulp of fp32 in
;;     [0.5, 1), so (|x| + 0.5) - 0.5 rounds to a multiple of 2^-24 in one fp32 rounding.
;;   beyond 65504 after rounding (|x| >= 65520) -> Inf; NaN stays NaN; the sign is put back.
;; bf16: the same bit trick on 16 bits (bf16 has fp32's exponent range, so fp32
;;   subnormals and the overflow to Inf fall out of the carry); NaN stays NaN.

  (func $round_f16x4 (param $v v128) (result v128)
    (local $a v128) (local $bits v128) (local $rn v128) (local $rs v128) (local $r v128)
    (local.set $a (f32x4.abs (local.get $v)))
    (local.set $bits (local.get $a))
    (local.set $rn (v128.and
      (i32x4.add (i32x4.add (local.get $bits) (i32x4.splat (i32.const 0xFFF)))
                 (v128.and (i32x4.shr_u (local.get $bits) (i32.const 13)) (i32x4.splat (i32.const 1))))
      (i32x4.splat (i32.const 0xFFFFE000))))
    (local.set $rs (f32x4.sub (f32x4.add (local.get $a) (f32x4.splat (f32.const 0.5))) (f32x4.splat (f32.const 0.5))))
    (local.set $r (v128.bitselect (local.get $rs) (local.get $rn)
      (f32x4.lt (local.get $a) (f32x4.splat (f32.const 0x1p-14)))))
    (local.set $r (v128.bitselect (f32x4.splat (f32.const inf)) (local.get $r)
      (f32x4.gt (local.get $r) (f32x4.splat (f32.const 65504)))))
    (local.set $r (v128.bitselect (local.get $a) (local.get $r) (f32x4.ne (local.get $a) (local.get $a))))
    (v128.or (local.get $r) (v128.and (local.get $v) (i32x4.splat (i32.const 0x80000000)))))

  (func $round_bf16x4 (param $v v128) (result v128)
    (v128.bitselect
      (local.get $v)
      (v128.and
        (i32x4.add (i32x4.add (local.get $v) (i32x4.splat (i32.const 0x7FFF)))
                   (v128.and (i32x4.shr_u (local.get $v) (i32.const 16)) (i32x4.splat (i32.const 1))))
        (i32x4.splat (i32.const 0xFFFF0000)))
      (f32x4.ne (local.get $v) (local.get $v))))

  ;; v rounded to `mode` (0 f32, 1 f16, 2 bf16)
  (func $round4 (param $v v128) (param $mode i32) (result v128)
    (if (result v128) (i32.eq (local.get $mode) (i32.const 1))
      (then (call $round_f16x4 (local.get $v)))
      (else (if (result v128) (i32.eq (local.get $mode) (i32.const 2))
        (then (call $round_bf16x4 (local.get $v)))
        (else (local.get $v))))))

  (func $round1 (param $x f32) (param $mode i32) (result f32)
    (f32x4.extract_lane 0 (call $round4 (f32x4.splat (local.get $x)) (local.get $mode))))

  ;; p[0..n) = round(p[0..n)) in place; n need not be a multiple of 4
  (func $round_inplace (export "round_inplace") (param $p i32) (param $n i32) (param $mode i32)
    (local $end i32)
    (if (i32.eqz (local.get $mode)) (then (return)))
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    ;; one loop per format (the format is known before the loop, one call a vector)
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (call $round_f16x4 (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l))))
      (else (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (call $round_bf16x4 (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done2 (loop $l2
      (br_if $done2 (i32.ge_u (local.get $p) (local.get $end)))
      (f32.store (local.get $p) (call $round1 (f32.load (local.get $p)) (local.get $mode)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l2))))

  ;; dst[0..n) = round(src[0..n)): a cast (dst may be src)
  (func (export "cast") (param $dst i32) (param $src i32) (param $n i32) (param $mode i32)
    (memory.copy (local.get $dst) (local.get $src) (i32.shl (local.get $n) (i32.const 2)))
    (call $round_inplace (local.get $dst) (local.get $n) (local.get $mode)))
