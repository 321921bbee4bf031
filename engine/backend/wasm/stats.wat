;; Tensor statistics of one observation (the CPU reference is cpu/cpuStats.ts), into a
;; record at `out`: i32 zero, subnormal, underflow, overflow, nan, inf; f32 minAbs,
;; maxAbs; i32 hist[65] of floor(log2|x|) clamped to [-40, 24]. floor(log2|x|) is the
;; unbiased exponent field (fp32 subnormals are far below -40, so they clamp too).
;; `before` (0 = none) holds the pre-cast values: nonzero -> 0 is an underflow,
;; finite -> Inf an overflow. `sub` is the subnormal limit of the stored format.

  (func $bump (param $p i32) (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1))))

  (func (export "observe") (param $x i32) (param $before i32) (param $n i32) (param $sub f32) (param $out i32)
    (local $i i32) (local $v f32) (local $a f32) (local $b f32) (local $e i32)
    (memory.fill (local.get $out) (i32.const 0) (i32.const 292))
    (f32.store offset=24 (local.get $out) (f32.const inf))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (if (local.get $before) (then (local.set $b (f32.load (i32.add (local.get $before) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $a (f32.abs (local.get $v)))
      (block $next
        (if (f32.ne (local.get $v) (local.get $v)) (then (call $bump (i32.add (local.get $out) (i32.const 16))) (br $next)))
        (if (f32.eq (local.get $a) (f32.const inf)) (then
          (call $bump (i32.add (local.get $out) (i32.const 20)))
          (if (i32.and (i32.ne (local.get $before) (i32.const 0)) (f32.eq (f32.sub (local.get $b) (local.get $b)) (f32.const 0)))
            (then (call $bump (i32.add (local.get $out) (i32.const 12)))))
          (br $next)))
        (if (f32.eq (local.get $a) (f32.const 0)) (then
          (call $bump (local.get $out))
          (if (i32.and (i32.ne (local.get $before) (i32.const 0))
                (i32.and (f32.ne (local.get $b) (f32.const 0)) (f32.eq (f32.sub (local.get $b) (local.get $b)) (f32.const 0))))
            (then (call $bump (i32.add (local.get $out) (i32.const 8)))))
          (br $next)))
        (if (f32.lt (local.get $a) (local.get $sub)) (then (call $bump (i32.add (local.get $out) (i32.const 4)))))
        (f32.store offset=24 (local.get $out) (f32.min (f32.load offset=24 (local.get $out)) (local.get $a)))
        (f32.store offset=28 (local.get $out) (f32.max (f32.load offset=28 (local.get $out)) (local.get $a)))
        (local.set $e (i32.sub (i32.shr_u (i32.reinterpret_f32 (local.get $a)) (i32.const 23)) (i32.const 127)))
        (local.set $e (select (i32.const -40) (local.get $e) (i32.lt_s (local.get $e) (i32.const -40))))
        (local.set $e (select (i32.const 24) (local.get $e) (i32.gt_s (local.get $e) (i32.const 24))))
        (call $bump (i32.add (local.get $out) (i32.shl (i32.add (i32.add (local.get $e) (i32.const 40)) (i32.const 8)) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
