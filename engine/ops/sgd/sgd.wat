;; sgdStep (sgd.ts): the wasm kernel, in fp64 like the CPU reference (each line of it
;; mirrored), buf rounded to fp32, one rounding of the weight to its format.

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
