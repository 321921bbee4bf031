;; The activations (activation.ts), forward and backward, mirroring the CPU reference:
;; ReLU and linear four lanes at a time (fp32 selects and products, as the reference's
;; fp64 ones give the same bits for them); tanh, sigmoid and GELU (tanh form) in fp64
;; through the host's Math.tanh / Math.exp like the reference; then one rounding to the
;; output's format (`mode`). `act` is ACTIVATION_CODE (activation.ts): 0 linear, 1 relu,
;; 2 tanh, 3 sigmoid, 4 gelu.

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
