;; Element formats on fp32 bit patterns (shared by the element-format ops' kernels), bit
;; for bit as engine/numerics/formats.ts (encodeBits, decodeBits, overflows), and the
;; random stream of randomBits.ts. A format is a descriptor of 8 words in memory at $d,
;; written by the host from formats.ts (descriptor.ts descriptorWords): 0 mbits, 4 bias,
;; 8 maxBits, 12 infBits, 16 nanBits, 20 signBit, 24 ebits, 28 e8m0 (0xFFFFFFFF: no such
;; code). Integers only.

  (func $mix32 (param $x i32) (result i32)
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))
    (local.set $x (i32.mul (local.get $x) (i32.const 0x7feb352d)))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 15))))
    (local.set $x (i32.mul (local.get $x) (i32.const 0x846ca68b)))
    (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))

  (func $random_bits (param $seed i32) (param $index i32) (result i32)
    (local $h i32)
    (local.set $h (call $mix32 (local.get $seed)))
    (local.set $h (call $mix32 (i32.xor (local.get $h) (local.get $index))))
    (call $mix32 (i32.add (local.get $h) (local.get $seed))))

  ;; the rounded magnitude code of a finite |x| (bits $a), before clamping; $sr: stochastic with $r
  (func $rounded_magnitude (param $a i32) (param $d i32) (param $sr i32) (param $r i32) (result i32)
    (local $e i32) (local $mbits i32) (local $bias i32) (local $sh i32) (local $rb i32)
    (local $m i32) (local $k i32) (local $q i32) (local $rem i32) (local $half i32) (local $frac i32)
    (local.set $e (i32.shr_u (local.get $a) (i32.const 23)))
    (local.set $mbits (i32.load (local.get $d)))
    (local.set $bias (i32.load offset=4 (local.get $d)))
    (if (i32.ge_u (i32.add (local.get $e) (local.get $bias)) (i32.const 128))
      (then
        ;; normal in the target: rebias the exponent, drop $sh mantissa bits
        (local.set $sh (i32.sub (i32.const 23) (local.get $mbits)))
        (local.set $rb (i32.sub (local.get $a) (i32.shl (i32.sub (i32.const 127) (local.get $bias)) (i32.const 23))))
        (if (i32.eqz (local.get $sr))
          (then (return (i32.shr_u
            (i32.add (i32.add (local.get $rb) (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $sh) (i32.const 1))) (i32.const 1)))
                     (i32.and (i32.shr_u (local.get $rb) (local.get $sh)) (i32.const 1)))
            (local.get $sh)))))
        (return (i32.add (i32.shr_u (local.get $rb) (local.get $sh))
          (i32.gt_u (i32.shl (local.get $rb) (i32.sub (i32.const 32) (local.get $sh))) (local.get $r))))))
    ;; subnormal in the target: m · 2^(max(e,1) - 150); $k bits below the unit 2^(1-bias-mbits)
    (local.set $m (i32.and (local.get $a) (i32.const 0x7fffff)))
    (if (local.get $e) (then (local.set $m (i32.or (local.get $m) (i32.const 0x800000)))))
    (local.set $k (i32.sub (i32.sub (i32.sub (i32.const 151) (local.get $bias)) (local.get $mbits))
      (select (local.get $e) (i32.const 1) (local.get $e))))
    (if (i32.eqz (local.get $sr))
      (then
        (if (i32.ge_u (local.get $k) (i32.const 25)) (then (return (i32.const 0))))
        (local.set $q (i32.shr_u (local.get $m) (local.get $k)))
        (local.set $rem (i32.and (local.get $m) (i32.sub (i32.shl (i32.const 1) (local.get $k)) (i32.const 1))))
        (local.set $half (i32.shl (i32.const 1) (i32.sub (local.get $k) (i32.const 1))))
        (if (i32.or (i32.gt_u (local.get $rem) (local.get $half))
                    (i32.and (i32.eq (local.get $rem) (local.get $half)) (i32.and (local.get $q) (i32.const 1))))
          (then (local.set $q (i32.add (local.get $q) (i32.const 1)))))
        (return (local.get $q))))
    (if (i32.lt_u (local.get $k) (i32.const 32))
      (then
        (local.set $q (i32.shr_u (local.get $m) (local.get $k)))
        (local.set $frac (i32.shl (local.get $m) (i32.sub (i32.const 32) (local.get $k)))))
      (else (if (i32.lt_u (local.get $k) (i32.const 56))
        (then (local.set $frac (i32.shr_u (local.get $m) (i32.sub (local.get $k) (i32.const 32))))))))
    (i32.add (local.get $q) (i32.gt_u (local.get $frac) (local.get $r))))

  ;; e8m0 as ml_dtypes' float8_e8m0fnu (formats.ts encodeE8m0)
  (func $encode_e8m0 (param $b i32) (param $sat i32) (param $sr i32) (param $r i32) (result i32)
    (local $e i32) (local $m i32) (local $q i32)
    (if (i32.or (i32.eqz (local.get $b)) (i32.ge_u (local.get $b) (i32.const 0x7f800000)))
      (then (return (i32.const 0xff))))
    (local.set $e (i32.shr_u (local.get $b) (i32.const 23)))
    (local.set $m (i32.and (local.get $b) (i32.const 0x7fffff)))
    (if (i32.eqz (local.get $e))
      (then
        (if (i32.gt_u (local.get $m) (i32.const 0x400000))
          (then (local.set $q (select
            (i32.gt_u (i32.shl (i32.sub (local.get $m) (i32.const 0x400000)) (i32.const 10)) (local.get $r))
            (i32.const 1)
            (local.get $sr))))))
      (else
        (local.set $q (i32.add (local.get $e) (select
          (i32.gt_u (i32.shl (local.get $m) (i32.const 9)) (local.get $r))
          (i32.ge_u (local.get $m) (i32.const 0x400000))
          (local.get $sr))))))
    (if (i32.gt_u (local.get $q) (i32.const 0xfe))
      (then (return (select (i32.const 0xfe) (i32.const 0xff) (local.get $sat)))))
    (local.get $q))

  ;; the infBits, else nanBits, else maxBits of a descriptor: what an overflow or Inf becomes
  (func $overflow_code (param $d i32) (result i32)
    (if (i32.ne (i32.load offset=12 (local.get $d)) (i32.const -1)) (then (return (i32.load offset=12 (local.get $d)))))
    (if (i32.ne (i32.load offset=16 (local.get $d)) (i32.const -1)) (then (return (i32.load offset=16 (local.get $d)))))
    (i32.load offset=8 (local.get $d)))

  ;; fp32 bits -> code (formats.ts encodeBits)
  (func $format_encode (param $b i32) (param $d i32) (param $sat i32) (param $sr i32) (param $r i32) (result i32)
    (local $s i32) (local $a i32) (local $q i32)
    (if (i32.load offset=28 (local.get $d))
      (then (return (call $encode_e8m0 (local.get $b) (local.get $sat) (local.get $sr) (local.get $r)))))
    (local.set $s (select (i32.load offset=20 (local.get $d)) (i32.const 0) (i32.shr_u (local.get $b) (i32.const 31))))
    (local.set $a (i32.and (local.get $b) (i32.const 0x7fffffff)))
    (if (i32.gt_u (local.get $a) (i32.const 0x7f800000))
      (then
        ;; no NaN: ml_dtypes' -0, negated for a -NaN
        (if (i32.eq (i32.load offset=16 (local.get $d)) (i32.const -1))
          (then (return (i32.xor (local.get $s) (i32.load offset=20 (local.get $d))))))
        (return (i32.or (local.get $s) (i32.load offset=16 (local.get $d))))))
    (if (i32.eq (local.get $a) (i32.const 0x7f800000))
      (then (return (i32.or (local.get $s) (call $overflow_code (local.get $d))))))
    (local.set $q (call $rounded_magnitude (local.get $a) (local.get $d) (local.get $sr) (local.get $r)))
    (if (i32.gt_u (local.get $q) (i32.load offset=8 (local.get $d)))
      (then (return (i32.or (local.get $s)
        (select (i32.load offset=8 (local.get $d)) (call $overflow_code (local.get $d)) (local.get $sat))))))
    (i32.or (local.get $s) (local.get $q)))

  ;; does the finite fp32 input $b round past the largest value? (formats.ts overflows)
  (func $format_overflows (param $b i32) (param $d i32) (param $sr i32) (param $r i32) (result i32)
    (local $a i32)
    (local.set $a (i32.and (local.get $b) (i32.const 0x7fffffff)))
    (if (i32.ge_u (local.get $a) (i32.const 0x7f800000)) (then (return (i32.const 0))))
    (if (i32.load offset=28 (local.get $d))
      (then (return (i32.and (i32.and (i32.eqz (i32.shr_u (local.get $b) (i32.const 31))) (i32.ne (local.get $a) (i32.const 0)))
        (i32.eq (call $encode_e8m0 (local.get $a) (i32.const 0) (local.get $sr) (local.get $r)) (i32.const 0xff))))))
    (i32.gt_u (call $rounded_magnitude (local.get $a) (local.get $d) (local.get $sr) (local.get $r)) (i32.load offset=8 (local.get $d))))

  ;; code -> fp32 bits (formats.ts decodeBits; a NaN as the positive quiet NaN, formats.ts QUIET_NAN_BITS)
  (func $format_decode (param $code i32) (param $d i32) (result i32)
    (local $s i32) (local $mag i32) (local $e i32) (local $m i32) (local $mbits i32) (local $bias i32) (local $p i32) (local $E i32)
    (if (i32.load offset=28 (local.get $d))
      (then
        (if (i32.eq (local.get $code) (i32.const 0xff)) (then (return (i32.const 0x7fc00000))))
        (if (i32.eqz (local.get $code)) (then (return (i32.const 0x00400000))))
        (return (i32.shl (local.get $code) (i32.const 23)))))
    (local.set $mbits (i32.load (local.get $d)))
    (local.set $bias (i32.load offset=4 (local.get $d)))
    (local.set $s (select (i32.const 0x80000000) (i32.const 0) (i32.and (local.get $code) (i32.load offset=20 (local.get $d)))))
    (local.set $mag (i32.and (local.get $code) (i32.sub (i32.load offset=20 (local.get $d)) (i32.const 1))))
    (local.set $e (i32.shr_u (local.get $mag) (local.get $mbits)))
    (local.set $m (i32.and (local.get $mag) (i32.sub (i32.shl (i32.const 1) (local.get $mbits)) (i32.const 1))))
    (if (i32.ne (i32.load offset=12 (local.get $d)) (i32.const -1))
      (then (if (i32.eq (local.get $e) (i32.sub (i32.shl (i32.const 1) (i32.load offset=24 (local.get $d))) (i32.const 1)))
        (then (return
          (select (i32.or (local.get $s) (i32.const 0x7f800000)) (i32.const 0x7fc00000) (i32.eq (local.get $mag) (i32.load offset=12 (local.get $d)))))))))
    (if (i32.and (i32.eq (i32.load offset=12 (local.get $d)) (i32.const -1)) (i32.eq (local.get $mag) (i32.load offset=16 (local.get $d))))
      (then (return (i32.const 0x7fc00000))))
    (if (i32.eqz (local.get $e))
      (then
        (if (i32.eqz (local.get $m)) (then (return (local.get $s))))
        ;; m · 2^(1-bias-mbits), normalised at its top bit $p
        (local.set $p (i32.sub (i32.const 31) (i32.clz (local.get $m))))
        (local.set $E (i32.sub (i32.sub (i32.add (local.get $p) (i32.const 1)) (local.get $bias)) (local.get $mbits)))
        (if (i32.ge_s (local.get $E) (i32.const -126))
          (then (return (i32.or (i32.or (local.get $s) (i32.shl (i32.add (local.get $E) (i32.const 127)) (i32.const 23)))
            (i32.shl (i32.xor (local.get $m) (i32.shl (i32.const 1) (local.get $p))) (i32.sub (i32.const 23) (local.get $p)))))))
        (return (i32.or (local.get $s) (i32.shl (local.get $m) (i32.sub (i32.sub (i32.const 150) (local.get $bias)) (local.get $mbits)))))))
    (i32.or (i32.or (local.get $s) (i32.shl (i32.sub (i32.add (local.get $e) (i32.const 127)) (local.get $bias)) (i32.const 23)))
      (i32.shl (local.get $m) (i32.sub (i32.const 23) (local.get $mbits)))))
