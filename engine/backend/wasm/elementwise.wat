;; Elementwise ops: gather, activations, the MSE seed, unscale-and-check, finiteness.
;; Each mirrors the CPU reference's arithmetic (engine/backend/cpu): fp32 ops where the
;; reference rounds each step to fp32 (so the results are bit-identical), fp64 where it
;; computes in JS numbers; then one rounding to the output's format (mode).
;; ReLU and linear are four lanes at a time; tanh, sigmoid and GELU (tanh form) call the
;; host's Math.tanh / Math.exp in fp64 like the reference.
;; Activation codes: 0 linear, 1 relu, 2 tanh, 3 sigmoid, 4 gelu.

  ;; out[r,:] = round(src[idx[offset + r], :]) for r < rows; a row is copied a vector at a
  ;; time, then its last cols % 4 values one by one (memory.copy is a host call, and a
  ;; call a row cost more than the copy)
  (func (export "gather") (param $out i32) (param $src i32) (param $idx i32) (param $offset i32) (param $rows i32) (param $cols i32) (param $mode i32)
    (local $r i32) (local $from i32) (local $to i32) (local $end i32) (local $end4 i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $to (local.get $out))
    (block $done (loop $rs
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $from (i32.add (local.get $src) (i32.mul (local.get $bytes)
        (i32.trunc_sat_f32_s (f32.load (i32.add (local.get $idx) (i32.shl (i32.add (local.get $offset) (local.get $r)) (i32.const 2))))))))
      (local.set $end (i32.add (local.get $to) (local.get $bytes)))
      (local.set $end4 (i32.add (local.get $to) (i32.and (local.get $bytes) (i32.const -16))))
      (block $v4 (loop $vs
        (br_if $v4 (i32.ge_u (local.get $to) (local.get $end4)))
        (v128.store (local.get $to) (v128.load (local.get $from)))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $vs)))
      (block $v1 (loop $ss
        (br_if $v1 (i32.ge_u (local.get $to) (local.get $end)))
        (f32.store (local.get $to) (f32.load (local.get $from)))
        (local.set $to (i32.add (local.get $to) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (br $ss)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rs)))
    (call $round_inplace (local.get $out) (i32.mul (local.get $rows) (local.get $cols)) (local.get $mode)))

  (func $gelu (param $x f64) (result f64)
    (f64.mul (f64.mul (f64.const 0.5) (local.get $x))
      (f64.add (f64.const 1) (call $tanh (f64.mul (f64.const 0.7978845608028654)
        (f64.add (local.get $x) (f64.mul (f64.mul (f64.mul (f64.const 0.044715) (local.get $x)) (local.get $x)) (local.get $x))))))))

  (func $gelu_grad (param $x f64) (result f64)
    (local $t f64)
    (local.set $t (call $tanh (f64.mul (f64.const 0.7978845608028654)
      (f64.add (local.get $x) (f64.mul (f64.mul (f64.mul (f64.const 0.044715) (local.get $x)) (local.get $x)) (local.get $x))))))
    ;; 0.5 (1 + t) + 0.5 x (1 - t^2) C (1 + 3 * 0.044715 x^2)
    (f64.add (f64.mul (f64.const 0.5) (f64.add (f64.const 1) (local.get $t)))
      (f64.mul (f64.mul (f64.mul (f64.mul (f64.const 0.5) (local.get $x)) (f64.sub (f64.const 1) (f64.mul (local.get $t) (local.get $t))))
                        (f64.const 0.7978845608028654))
               (f64.add (f64.const 1) (f64.mul (f64.mul (f64.mul (f64.const 3) (f64.const 0.044715)) (local.get $x)) (local.get $x))))))

  (func $sigmoid (param $x f64) (result f64)
    (f64.div (f64.const 1) (f64.add (f64.const 1) (call $exp (f64.neg (local.get $x))))))

  ;; act(x) and act'(x) in fp64, for the transcendental activations
  (func $act64 (param $x f64) (param $act i32) (result f64)
    (if (result f64) (i32.eq (local.get $act) (i32.const 2)) (then (call $tanh (local.get $x)))
      (else (if (result f64) (i32.eq (local.get $act) (i32.const 3)) (then (call $sigmoid (local.get $x)))
        (else (call $gelu (local.get $x)))))))
  (func $grad64 (param $x f64) (param $act i32) (result f64)
    (local $s f64)
    (if (result f64) (i32.eq (local.get $act) (i32.const 2))
      (then (local.set $s (call $tanh (local.get $x))) (f64.sub (f64.const 1) (f64.mul (local.get $s) (local.get $s))))
      (else (if (result f64) (i32.eq (local.get $act) (i32.const 3))
        (then (local.set $s (call $sigmoid (local.get $x))) (f64.mul (local.get $s) (f64.sub (f64.const 1) (local.get $s))))
        (else (call $gelu_grad (local.get $x)))))))

  ;; out[0..n) = round(act(x)); backward (when dout != 0): out = round(dout * act'(x))
  (func (export "activation") (param $out i32) (param $dout i32) (param $x i32) (param $n i32) (param $act i32) (param $mode i32)
    (local $i i32) (local $o i32) (local $xs i32) (local $g i32) (local $v v128) (local $y f64)
    (if (i32.lt_u (local.get $act) (i32.const 2)) (then
      ;; linear and relu, four lanes at a time (tensors are padded to 16 bytes), one loop
      ;; per case (no branch or call a vector), then one rounding pass to the output's format
      (local.set $g (i32.shl (local.get $n) (i32.const 2)))
      (if (local.get $dout)
        (then (if (local.get $act)
          ;; dout * (x > 0 ? 1 : 0): a product, so Inf * 0 is NaN as in the reference
          (then (block $done (loop $l
            (br_if $done (i32.ge_s (local.get $o) (local.get $g)))
            (v128.store (i32.add (local.get $out) (local.get $o)) (f32x4.mul (v128.load (i32.add (local.get $dout) (local.get $o)))
              (v128.and (f32x4.gt (v128.load (i32.add (local.get $x) (local.get $o))) (f32x4.splat (f32.const 0))) (f32x4.splat (f32.const 1)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $l))))
          ;; linear: dout * 1
          (else (memory.copy (local.get $out) (local.get $dout) (local.get $g)))))
        (else (if (local.get $act)
          (then (block $done (loop $l
            (br_if $done (i32.ge_s (local.get $o) (local.get $g)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $o))))
            (v128.store (i32.add (local.get $out) (local.get $o)) (v128.and (local.get $v) (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $l))))
          (else (memory.copy (local.get $out) (local.get $x) (local.get $g))))))
      (call $round_inplace (local.get $out) (local.get $n) (local.get $mode))
      (return)))
    (block $done2 (loop $l2
      (br_if $done2 (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $y (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))))
      (local.set $y (if (result f64) (local.get $dout)
        (then (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $dout) (local.get $o)))) (call $grad64 (local.get $y) (local.get $act))))
        (else (call $act64 (local.get $y) (local.get $act)))))
      (f32.store (i32.add (local.get $out) (local.get $o)) (call $round1 (f32.demote_f64 (local.get $y)) (local.get $mode)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2))))

  ;; seed = round(2 (yhat - y) / n * weight * scale), seed32 (0 = none) the same in fp32;
  ;; returns sum (yhat - y)^2 (fp64)
  (func (export "mse") (param $seed i32) (param $yhat i32) (param $y i32) (param $n i32) (param $weight f64) (param $scale f64) (param $mode i32) (param $seed32 i32) (result f64)
    (local $i i32) (local $o i32) (local $diff f64) (local $sum f64) (local $v f32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $diff (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $yhat) (local.get $o))))
                                (f64.promote_f32 (f32.load (i32.add (local.get $y) (local.get $o))))))
      (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $diff) (local.get $diff))))
      (local.set $v (f32.demote_f64 (f64.mul (f64.mul (f64.div (f64.mul (f64.const 2) (local.get $diff)) (f64.convert_i32_s (local.get $n)))
          (local.get $weight)) (local.get $scale))))
      (f32.store (i32.add (local.get $seed) (local.get $o)) (local.get $v))
      (if (local.get $seed32) (then (f32.store (i32.add (local.get $seed32) (local.get $o)) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    ;; the seed's rounding to its format: one pass after the loop
    (call $round_inplace (local.get $seed) (local.get $n) (local.get $mode))
    (local.get $sum))

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
