;; castElements (castElements.wgsl's twin): values[i] (fp32 bits) and, when $codes is not
;; 0, codes[i] (an f32 holding the integer) of x[i] in the format whose descriptor is at
;; $d (engine/ops/formats/formats.wat), saturating or not, nearest or stochastic with
;; random_bits(seed, base + i).

  (func (export "cast_elements") (param $x i32) (param $codes i32) (param $values i32) (param $n i32)
      (param $d i32) (param $sat i32) (param $sr i32) (param $seed i32) (param $base i32)
    (local $i i32) (local $c i32) (local $o i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $c (call $format_encode (i32.load (i32.add (local.get $x) (local.get $o))) (local.get $d) (local.get $sat) (local.get $sr)
        (select (call $random_bits (local.get $seed) (i32.add (local.get $base) (local.get $i))) (i32.const 0) (local.get $sr))))
      (if (local.get $codes) (then (f32.store (i32.add (local.get $codes) (local.get $o)) (f32.convert_i32_u (local.get $c)))))
      (i32.store (i32.add (local.get $values) (local.get $o)) (call $format_decode (local.get $c) (local.get $d)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
