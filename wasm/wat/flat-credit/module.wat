;; flat-credit (transformer), hand-written WebAssembly text: proves ABI v1 needs no SDK.
;;
;; Passes every input charge line through byte for byte and appends one "discount"
;; line of -min(config.amount, total of the input lines). With nothing positive to
;; credit it appends no line and says so in a warning. It runs after tax (it is not
;; in the platform's named transformer order), so it is a post-tax credit.
;;
;; The input is the host's canonical JSON. A small scanner skips values and finds
;; keys in objects; integers are read with overflow checks (a trap, never a wrap).
;; Memory: [0, 1024) constant strings and scratch, the bump heap from 1024.

(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (global $end (mut i32) (i32.const 0))   ;; one past the last input byte
  (global $out (mut i32) (i32.const 0))   ;; output write cursor

  ;; keys looked up in the input
  (data (i32.const 0) "charges")
  (data (i32.const 8) "config")
  (data (i32.const 16) "context")
  (data (i32.const 24) "currency")
  (data (i32.const 32) "exponent")
  (data (i32.const 48) "amount")
  (data (i32.const 56) "rule_id")
  (data (i32.const 64) "description")
  ;; output pieces, keys in sorted order
  (data (i32.const 80) "{\"charges\":[")
  (data (i32.const 96) "{\"amount\":")
  (data (i32.const 112) ",\"description\":")
  (data (i32.const 128) ",\"kind\":\"discount\",\"metric\":null,\"quantity\":\"1\",\"rule_id\":")
  (data (i32.const 192) ",\"taxable\":false,\"unit_price\":\"")
  (data (i32.const 224) "\"}],\"warnings\":[]}")
  (data (i32.const 256) "],\"warnings\":[\"flat-credit: no positive total to credit\"]}")
  (data (i32.const 320) "{\"error\":\"config.amount: must be a non-negative integer\"}")
  (data (i32.const 384) "{\"error\":\"config.rule_id and config.description: must be strings\"}")
  (data (i32.const 464) "{\"error\":\"input: needs charges, config and context.currency.exponent\"}")
  ;; [960, 992) scratch for digits

  (func $alloc (export "alloc") (param $n i32) (result i32)
    (local $p i32)
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (unreachable)))
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (local.get $n)))
    (call $reserve (global.get $heap))
    (local.get $p))

  ;; grows memory so that [0, top) is addressable
  (func $reserve (param $top i32)
    (local $pages i32)
    (local.set $pages
      (i32.sub (i32.shr_u (i32.add (local.get $top) (i32.const 65535)) (i32.const 16)) (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then (unreachable))))))

  ;; the byte at p; reading past the input is a trap (truncated JSON)
  (func $at (param $p i32) (result i32)
    (if (i32.ge_u (local.get $p) (global.get $end)) (then (unreachable)))
    (i32.load8_u (local.get $p)))

  (func $ws (param $p i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (global.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.and (i32.ne (local.get $c) (i32.const 32))
          (i32.and (i32.ne (local.get $c) (i32.const 10))
            (i32.and (i32.ne (local.get $c) (i32.const 13)) (i32.ne (local.get $c) (i32.const 9))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; p at the opening quote; returns the position after the closing quote
  (func $skip_string (param $p i32) (result i32)
    (local $c i32)
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (loop $next
      (local.set $c (call $at (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 34)) (then (return (i32.add (local.get $p) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p)
        (select (i32.const 2) (i32.const 1) (i32.eq (local.get $c) (i32.const 92)))))
      (br $next))
    (unreachable))

  ;; p at the first byte of any value; returns the position after it
  (func $skip (param $p i32) (result i32)
    (local $c i32) (local $depth i32)
    (local.set $c (call $at (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 34)) (then (return (call $skip_string (local.get $p)))))
    (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
      (then
        (loop $next
          (local.set $c (call $at (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 34))
            (then (local.set $p (call $skip_string (local.get $p))) (br $next)))
          (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
            (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
          (if (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93)))
            (then
              (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
              (if (i32.eqz (local.get $depth)) (then (return (i32.add (local.get $p) (i32.const 1)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next))))
    ;; number, true, false or null: up to the next delimiter
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (global.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br_if $done (i32.or (i32.or (i32.eq (local.get $c) (i32.const 44)) (i32.eq (local.get $c) (i32.const 125)))
          (i32.or (i32.eq (local.get $c) (i32.const 93)) (i32.le_u (local.get $c) (i32.const 32)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; p at '{': the position of the value of key [k, k+n), or 0 when absent or p is no object
  (func $find (param $p i32) (param $k i32) (param $n i32) (result i32)
    (local $key i32) (local $len i32)
    (if (i32.eqz (local.get $p)) (then (return (i32.const 0))))
    (if (i32.ne (call $at (local.get $p)) (i32.const 123)) (then (return (i32.const 0))))
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (if (i32.eq (call $at (local.get $p)) (i32.const 125)) (then (return (i32.const 0))))
    (loop $member
      (if (i32.ne (call $at (local.get $p)) (i32.const 34)) (then (unreachable)))
      (local.set $key (i32.add (local.get $p) (i32.const 1)))
      (local.set $p (call $skip_string (local.get $p)))
      (local.set $len (i32.sub (i32.sub (local.get $p) (i32.const 1)) (local.get $key)))
      (local.set $p (call $ws (local.get $p)))
      (if (i32.ne (call $at (local.get $p)) (i32.const 58)) (then (unreachable)))
      (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
      (if (call $same (local.get $key) (local.get $len) (local.get $k) (local.get $n))
        (then (return (local.get $p))))
      (local.set $p (call $ws (call $skip (local.get $p))))
      (if (i32.eq (call $at (local.get $p)) (i32.const 44))
        (then (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1)))) (br $member))))
    (i32.const 0))

  (func $same (param $a i32) (param $an i32) (param $b i32) (param $bn i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $an) (local.get $bn)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $an)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $b) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; whether p (0 = absent) starts an integer: an optional '-' then a digit, ending at a delimiter
  (func $is_integer (param $p i32) (result i32)
    (local $q i32) (local $c i32) (local $end i32)
    (if (i32.eqz (local.get $p)) (then (return (i32.const 0))))
    (local.set $end (call $skip (local.get $p)))
    (local.set $q (local.get $p))
    (if (i32.eq (call $at (local.get $q)) (i32.const 45)) (then (local.set $q (i32.add (local.get $q) (i32.const 1)))))
    (if (i32.eq (local.get $q) (local.get $end)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $q)))
        (if (i32.or (i32.lt_u (local.get $c) (i32.const 48)) (i32.gt_u (local.get $c) (i32.const 57)))
          (then (return (i32.const 0))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; the integer at p (checked with $is_integer first); traps when it does not fit an i64
  (func $integer (param $p i32) (result i64)
    (local $end i32) (local $negative i32) (local $v i64) (local $d i64)
    (local.set $end (call $skip (local.get $p)))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 45))
      (then (local.set $negative (i32.const 1)) (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $d (i64.extend_i32_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
        ;; v * 10 + d must stay <= i64 max (the magnitude of i64 min is refused too)
        (if (i64.gt_u (local.get $v) (i64.div_u (i64.sub (i64.const 0x7fffffffffffffff) (local.get $d)) (i64.const 10)))
          (then (unreachable)))
        (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (local.get $d)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (select (i64.sub (i64.const 0) (local.get $v)) (local.get $v) (local.get $negative)))

  (func $add_checked (param $a i64) (param $b i64) (result i64)
    (local $r i64)
    (local.set $r (i64.add (local.get $a) (local.get $b)))
    (if (i64.lt_s (i64.and (i64.xor (local.get $a) (local.get $r)) (i64.xor (local.get $b) (local.get $r))) (i64.const 0))
      (then (unreachable)))
    (local.get $r))

  ;; the sum of "amount" over the objects of the array at p
  (func $total (param $p i32) (result i64)
    (local $sum i64) (local $v i32)
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (if (i32.eq (call $at (local.get $p)) (i32.const 93)) (then (return (i64.const 0))))
    (loop $item
      (local.set $v (call $find (local.get $p) (i32.const 48) (i32.const 6)))
      (if (i32.eqz (call $is_integer (local.get $v))) (then (unreachable)))
      (local.set $sum (call $add_checked (local.get $sum) (call $integer (local.get $v))))
      (local.set $p (call $ws (call $skip (local.get $p))))
      (if (i32.eq (call $at (local.get $p)) (i32.const 44))
        (then (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1)))) (br $item))))
    (local.get $sum))

  (func $emit (param $p i32) (param $n i32)
    (memory.copy (global.get $out) (local.get $p) (local.get $n))
    (global.set $out (i32.add (global.get $out) (local.get $n))))

  (func $emit_byte (param $c i32)
    (i32.store8 (global.get $out) (local.get $c))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))

  ;; v > 0 in minor units as a decimal with `exponent` fractional digits
  (func $emit_decimal (param $v i64) (param $exponent i32)
    (local $n i32) (local $i i32)
    (loop $digit  ;; digits least significant first into [960, 992)
      (i32.store8 (i32.add (i32.const 960) (local.get $n))
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (block $padded  ;; at least one digit before the point
      (loop $pad
        (br_if $padded (i32.gt_s (local.get $n) (local.get $exponent)))
        (i32.store8 (i32.add (i32.const 960) (local.get $n)) (i32.const 48))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $pad)))
    (local.set $i (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $i)))
        (if (i32.eq (local.get $i) (local.get $exponent)) (then (call $emit_byte (i32.const 46))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (call $emit_byte (i32.load8_u (i32.add (i32.const 960) (local.get $i))))
        (br $next))))

  (func $emit_integer (param $v i64)
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (call $emit_byte (i32.const 45)) (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (call $emit_decimal (local.get $v) (i32.const 0)))

  (func $packed (param $start i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $start)) (i64.const 32))
            (i64.extend_i32_u (i32.sub (global.get $out) (local.get $start)))))

  (func (export "run") (param $ptr i32) (param $len i32) (result i64)
    (local $root i32) (local $charges i32) (local $config i32) (local $exp i32)
    (local $amount i32) (local $rule i32) (local $desc i32)
    (local $close i32) (local $credit i64) (local $total i64) (local $start i32)
    (global.set $end (i32.add (local.get $ptr) (local.get $len)))
    ;; the output is at most the input plus the fixed pieces of one line
    (local.set $start (call $alloc (i32.add (local.get $len) (i32.const 512))))
    (global.set $out (local.get $start))

    (local.set $root (call $ws (local.get $ptr)))
    (local.set $charges (call $find (local.get $root) (i32.const 0) (i32.const 7)))
    (local.set $config (call $find (local.get $root) (i32.const 8) (i32.const 6)))
    (local.set $exp (call $find (call $find (call $find (local.get $root) (i32.const 16) (i32.const 7))
                                             (i32.const 24) (i32.const 8))
                                (i32.const 32) (i32.const 8)))
    (if (i32.or (i32.or (i32.eqz (local.get $charges)) (i32.eqz (local.get $config)))
                (i32.eqz (call $is_integer (local.get $exp))))
      (then (call $emit (i32.const 464) (i32.const 70)) (return (call $packed (local.get $start)))))
    (if (i32.ne (call $at (local.get $charges)) (i32.const 91))
      (then (call $emit (i32.const 464) (i32.const 70)) (return (call $packed (local.get $start)))))
    (if (i32.eq (call $at (local.get $exp)) (i32.const 45))
      (then (call $emit (i32.const 464) (i32.const 70)) (return (call $packed (local.get $start)))))
    (if (i64.gt_u (call $integer (local.get $exp)) (i64.const 18))
      (then (call $emit (i32.const 464) (i32.const 70)) (return (call $packed (local.get $start)))))

    (local.set $amount (call $find (local.get $config) (i32.const 48) (i32.const 6)))
    (local.set $rule (call $find (local.get $config) (i32.const 56) (i32.const 7)))
    (local.set $desc (call $find (local.get $config) (i32.const 64) (i32.const 11)))
    (if (i32.or (i32.eqz (call $is_integer (local.get $amount))) (i32.eq (call $at (local.get $amount)) (i32.const 45)))
      (then (call $emit (i32.const 320) (i32.const 57)) (return (call $packed (local.get $start)))))
    (if (i32.or (i32.or (i32.eqz (local.get $rule)) (i32.eqz (local.get $desc)))
                (i32.or (i32.ne (call $at (local.get $rule)) (i32.const 34)) (i32.ne (call $at (local.get $desc)) (i32.const 34))))
      (then (call $emit (i32.const 384) (i32.const 66)) (return (call $packed (local.get $start)))))

    ;; every input line, byte for byte
    (call $emit (i32.const 80) (i32.const 12))
    (local.set $close (i32.sub (call $skip (local.get $charges)) (i32.const 1)))
    (call $emit (i32.add (local.get $charges) (i32.const 1))
                (i32.sub (local.get $close) (i32.add (local.get $charges) (i32.const 1))))

    (local.set $total (call $total (local.get $charges)))
    (local.set $credit (call $integer (local.get $amount)))
    (if (i64.lt_s (local.get $total) (local.get $credit)) (then (local.set $credit (local.get $total))))
    (if (i64.le_s (local.get $credit) (i64.const 0))
      (then (call $emit (i32.const 256) (i32.const 58)) (return (call $packed (local.get $start)))))

    (if (i32.gt_u (local.get $close) (i32.add (local.get $charges) (i32.const 1)))
      (then (call $emit_byte (i32.const 44))))
    (call $emit (i32.const 96) (i32.const 10))
    (call $emit_integer (i64.sub (i64.const 0) (local.get $credit)))
    (call $emit (i32.const 112) (i32.const 15))
    (call $emit (local.get $desc) (i32.sub (call $skip (local.get $desc)) (local.get $desc)))
    (call $emit (i32.const 128) (i32.const 58))
    (call $emit (local.get $rule) (i32.sub (call $skip (local.get $rule)) (local.get $rule)))
    (call $emit (i32.const 192) (i32.const 31))
    (call $emit_byte (i32.const 45))
    (call $emit_decimal (local.get $credit) (i32.wrap_i64 (call $integer (local.get $exp))))
    (call $emit (i32.const 224) (i32.const 18))
    (call $packed (local.get $start))))
