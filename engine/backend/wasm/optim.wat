;; Optimizers, in fp64 like the CPU reference (each line of it mirrored), one rounding of
;; the weight to its format; moments and momentum buffers are fp32.
;; SGD (PyTorch): g' = g + wd w; with momentum buf = momentum buf + g' and w -= lr buf,
;;   else w -= lr g' (buf untouched: it may alias g).
;; AdamW: w *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
;;   w -= lr (m / c1) / (sqrt(v / c2) + eps), c1 = 1 - b1^t, c2 = 1 - b2^t.

  ;; Two lanes of fp64 at a time (each lane the reference's scalar arithmetic), two pairs an
  ;; iteration, written out (a call a vector cost 10% of a step); the rounding to the
  ;; weight's format is one pass after the loop. A count that is not a multiple of 4 reads
  ;; and writes the tensors' zero padding (tensors are padded to 16 bytes), which stays zero.
  (func (export "sgd") (param $w i32) (param $g i32) (param $buf i32) (param $n i32)
      (param $lr f64) (param $momentum f64) (param $wd f64) (param $mode i32)
    (local $pw i32) (local $pg i32) (local $pb i32) (local $end i32) (local $wi v128) (local $step v128)
    (local.set $pw (local.get $w)) (local.set $pg (local.get $g)) (local.set $pb (local.get $buf))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $pw) (local.get $end)))
      ;; lanes 0, 1: g' = g + wd w
      (local.set $wi (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pw))))
      (local.set $step (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pg)))
                                  (f64x2.mul (f64x2.splat (local.get $wd)) (local.get $wi))))
      (if (f64.gt (local.get $momentum) (f64.const 0)) (then
        ;; buf = fp32(momentum buf + g'), and the step is buf
        (local.set $step (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (f64x2.splat (local.get $momentum)) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pb))))
          (local.get $step))))
        (v128.store64_lane 0 (local.get $pb) (local.get $step))
        (local.set $step (f64x2.promote_low_f32x4 (local.get $step)))))
      ;; w = fp32(w - lr step)
      (v128.store64_lane 0 (local.get $pw)
        (f32x4.demote_f64x2_zero (f64x2.sub (local.get $wi) (f64x2.mul (f64x2.splat (local.get $lr)) (local.get $step)))))
      ;; lanes 2, 3: g' = g + wd w
      (local.set $wi (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $pw))))
      (local.set $step (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $pg)))
                                  (f64x2.mul (f64x2.splat (local.get $wd)) (local.get $wi))))
      (if (f64.gt (local.get $momentum) (f64.const 0)) (then
        ;; buf = fp32(momentum buf + g'), and the step is buf
        (local.set $step (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (f64x2.splat (local.get $momentum)) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $pb))))
          (local.get $step))))
        (v128.store64_lane offset=8 0 (local.get $pb) (local.get $step))
        (local.set $step (f64x2.promote_low_f32x4 (local.get $step)))))
      ;; w = fp32(w - lr step)
      (v128.store64_lane offset=8 0 (local.get $pw)
        (f32x4.demote_f64x2_zero (f64x2.sub (local.get $wi) (f64x2.mul (f64x2.splat (local.get $lr)) (local.get $step)))))
      (local.set $pw (i32.add (local.get $pw) (i32.const 16)))
      (local.set $pg (i32.add (local.get $pg) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (br $l)))
    (call $round_inplace (local.get $w) (local.get $n) (local.get $mode)))

  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
      (param $lr f64) (param $b1 f64) (param $b2 f64) (param $eps f64) (param $wd f64) (param $c1 f64) (param $c2 f64) (param $mode i32)
    (local $i i32) (local $o i32) (local $wi f64) (local $gi f64) (local $mi f64) (local $vi f64)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $wi (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $o))))
                              (f64.sub (f64.const 1) (f64.mul (local.get $lr) (local.get $wd)))))
      (local.set $gi (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))))
      (local.set $mi (f64.promote_f32 (f32.demote_f64 (f64.add
        (f64.mul (local.get $b1) (f64.promote_f32 (f32.load (i32.add (local.get $m) (local.get $o)))))
        (f64.mul (f64.sub (f64.const 1) (local.get $b1)) (local.get $gi))))))
      (local.set $vi (f64.promote_f32 (f32.demote_f64 (f64.add
        (f64.mul (local.get $b2) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $o)))))
        (f64.mul (f64.mul (f64.sub (f64.const 1) (local.get $b2)) (local.get $gi)) (local.get $gi))))))
      (f32.store (i32.add (local.get $m) (local.get $o)) (f32.demote_f64 (local.get $mi)))
      (f32.store (i32.add (local.get $v) (local.get $o)) (f32.demote_f64 (local.get $vi)))
      (local.set $wi (f64.sub (local.get $wi)
        (f64.div (f64.mul (local.get $lr) (f64.div (local.get $mi) (local.get $c1)))
                 (f64.add (f64.sqrt (f64.div (local.get $vi) (local.get $c2))) (local.get $eps)))))
      (f32.store (i32.add (local.get $w) (local.get $o)) (call $round1 (f32.demote_f64 (local.get $wi)) (local.get $mode)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
