;; adamStep (adamw.ts): the wasm kernel, in fp64 like the CPU reference (each line of it
;; mirrored), m and v rounded to fp32, one rounding of the weight to its format.

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
