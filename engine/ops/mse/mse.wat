;; mseLoss (mse.ts): the wasm kernel, each line of the CPU reference mirrored in fp64,
;; the seed rounded to its format (`mode`) in one pass after the loop.

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
