;; roundedUpdate (roundedUpdate.wgsl's twin): w[i] <- element(fl(w[i] + u[i])) in the format
;; at $d, not saturating, nearest or stochastic with random_bits(seed, base + i); returns how
;; many nonzero, non-NaN updates left a non-NaN weight at the same value (+0 and -0 alike).

  (func (export "rounded_update") (param $w i32) (param $u i32) (param $n i32) (param $d i32)
      (param $sr i32) (param $seed i32) (param $base i32) (result i32)
    (local $i i32) (local $o i32) (local $old i32) (local $next i32) (local $ua i32) (local $lost i32)
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $old (i32.load (i32.add (local.get $w) (local.get $o))))
      (local.set $ua (i32.and (i32.load (i32.add (local.get $u) (local.get $o))) (i32.const 0x7fffffff)))
      (local.set $next (call $format_decode
        (call $format_encode (call $add_rn (local.get $old) (i32.load (i32.add (local.get $u) (local.get $o)))) (local.get $d) (i32.const 0) (local.get $sr)
          (select (call $random_bits (local.get $seed) (i32.add (local.get $base) (local.get $i))) (i32.const 0) (local.get $sr)))
        (local.get $d)))
      (if (i32.and
            (i32.and (i32.ne (local.get $ua) (i32.const 0)) (i32.le_u (local.get $ua) (i32.const 0x7f800000)))
            (i32.and (i32.le_u (i32.and (local.get $old) (i32.const 0x7fffffff)) (i32.const 0x7f800000))
              (i32.or (i32.eq (local.get $next) (local.get $old))
                (i32.eqz (i32.and (i32.or (local.get $next) (local.get $old)) (i32.const 0x7fffffff))))))
        (then (local.set $lost (i32.add (local.get $lost) (i32.const 1)))))
      (i32.store (i32.add (local.get $w) (local.get $o)) (local.get $next))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each)))
    (local.get $lost))
