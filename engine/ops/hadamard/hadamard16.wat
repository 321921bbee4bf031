;; hadamard16 (hadamard16.wgsl's twin): out_j = 0.25 · Σ_i s_i · H_ij · x_i over each full
;; chunk of 16 along the rows of x[rows, cols], i ascending, each add rounded once; a
;; trailing chunk shorter than 16 is copied. $signs: bit i set where s_i = -1.

  (func (export "hadamard16") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $signs i32)
    (local $r i32) (local $c0 i32) (local $i i32) (local $j i32) (local $base i32) (local $acc i32) (local $neg i32)
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c0 (i32.const 0))
      (block $chunksDone (loop $chunk
        (br_if $chunksDone (i32.ge_u (local.get $c0) (local.get $cols)))
        (local.set $base (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c0)) (i32.const 2)))
        (if (i32.gt_u (i32.add (local.get $c0) (i32.const 16)) (local.get $cols))
          (then
            (memory.copy (i32.add (local.get $out) (local.get $base)) (i32.add (local.get $x) (local.get $base))
              (i32.shl (i32.sub (local.get $cols) (local.get $c0)) (i32.const 2))))
          (else
            (local.set $j (i32.const 0))
            (block $jDone (loop $jl
              (br_if $jDone (i32.ge_u (local.get $j) (i32.const 16)))
              (local.set $acc (i32.const 0))
              (local.set $i (i32.const 0))
              (block $iDone (loop $il
                (br_if $iDone (i32.ge_u (local.get $i) (i32.const 16)))
                (local.set $neg (i32.and (i32.xor (i32.popcnt (i32.and (local.get $i) (local.get $j)))
                  (i32.shr_u (local.get $signs) (local.get $i))) (i32.const 1)))
                (local.set $acc (call $add_rn (local.get $acc)
                  (i32.xor (i32.load (i32.add (i32.add (local.get $x) (local.get $base)) (i32.shl (local.get $i) (i32.const 2))))
                    (i32.shl (local.get $neg) (i32.const 31)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $il)))
              (i32.store (i32.add (i32.add (local.get $out) (local.get $base)) (i32.shl (local.get $j) (i32.const 2)))
                (call $mul_rn (local.get $acc) (i32.const 0x3e800000)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $jl)))))
        (local.set $c0 (i32.add (local.get $c0) (i32.const 16)))
        (br $chunk)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))
