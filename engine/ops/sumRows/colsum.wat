;; sumRows (sumRows.ts): the wasm kernel, fp32 accumulation four columns at a time.

  ;; out[N] = round(sum over M rows of g[M,N]): the bias gradient (fp32 accumulation)
  (func (export "colsum") (param $out i32) (param $g i32) (param $M i32) (param $N i32) (param $mode i32)
    (local $j i32) (local $r i32) (local $p i32) (local $acc v128)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $N) (i32.const 2)))
    (block $rdone (loop $rs
      (br_if $rdone (i32.ge_s (local.get $r) (local.get $M)))
      (local.set $p (i32.add (local.get $g) (i32.shl (i32.mul (local.get $r) (local.get $N)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $v4 (loop $js
        (br_if $v4 (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $N)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
          (f32x4.add (v128.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                     (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $js)))
      (block $v1 (loop $js1
        (br_if $v1 (i32.ge_s (local.get $j) (local.get $N)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                   (f32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $js1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rs)))
    (call $round_inplace (local.get $out) (local.get $N) (local.get $mode)))
