{#
    One row per raw till receipt row, typed, with the reason it cannot be used (if any). The
    loyalty card and the phone typed at the till leave as keyed pseudonyms of their
    normalised value; till and cashier ids are staff ids and stay.
#}
with

receipts as (
    select * from {{ source('pos', 'receipts') }}
    {{ new_raw_rows(source('pos', 'receipts')) }}
),

trimmed as (
    select
        {{ clean_text('receipt_id') }} as receipt_id,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('register_id') }} as register_id,
        {{ clean_text('cashier_id') }} as cashier_id,
        {{ clean_text(to_halfwidth('member_card_no')) }} as member_card_no,
        {# Both phone rules test this one candidate: computed once, not once per rule. #}
        {{ phone_candidate('customer_phone') }} as customer_phone_candidate,
        {{ clean_enum('receipt_type') }} as receipt_type,
        {{ clean_text('original_receipt_id') }} as original_receipt_id,
        {{ clean_text(to_halfwidth('gross_amount')) }} as gross_amount,
        {{ clean_text(to_halfwidth('discount_amount')) }} as discount_amount,
        {{ clean_text(to_halfwidth('paid_amount')) }} as paid_amount,
        {{ clean_enum('payment_method') }} as payment_method,
        {{ clean_text('txn_at') }} as txn_at,
        {{ clean_text('updated_at') }} as updated_at,
        _source_file,
        _row_number
    from receipts
),

typed as (
    select
        receipt_id,
        store_id,
        register_id,
        cashier_id,
        member_card_no,
        original_receipt_id,
        {{ normalize_phone('customer_phone_candidate', is_candidate=true) }} as customer_phone,
        {{ phone_invalid_reason('customer_phone_candidate', is_candidate=true) }}
            as customer_phone_invalid_reason,
        receipt_type,
        payment_method,
        {{ parse_decimal('gross_amount') }} as gross_amount,
        {{ parse_decimal('discount_amount') }} as discount_amount,
        {{ parse_decimal('paid_amount') }} as paid_amount,
        {{ parse_timestamp('txn_at') }} as txn_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {# Raw text kept only to tell an empty value from an unreadable one, so that each
           value is parsed once. #}
        gross_amount as gross_amount_text,
        discount_amount as discount_amount_text,
        paid_amount as paid_amount_text,
        txn_at as txn_at_text,
        updated_at as updated_at_text,
        _source_file,
        _row_number
    from trimmed
),

flagged as (
    select
        *,
        txn_at_text is null as is_missing_txn_at,
        (txn_at_text is not null and txn_at is null)
        or (updated_at_text is not null and updated_at is null) as has_unreadable_timestamp,
        (
            receipt_type not in ('sale', 'return')
            or payment_method not in ('wechat_pay', 'alipay', 'card', 'cash')
            or (gross_amount_text is not null and gross_amount is null)
            or (discount_amount_text is not null and discount_amount is null)
            or (paid_amount_text is not null and paid_amount is null)
        ) as has_unreadable_value
    from typed
),

checked as (
    select
        receipt_id,
        store_id,
        register_id,
        cashier_id,
        {{ pseudonymize('member_card_no') }} as member_card_pseudonym,
        {{ pseudonymize('customer_phone') }} as customer_phone_pseudonym,
        customer_phone_invalid_reason,
        receipt_type,
        original_receipt_id,
        payment_method,
        gross_amount,
        discount_amount,
        paid_amount,
        receipt_type = 'return' as is_return,
        txn_at,
        updated_at,
        case
            when receipt_id is null or store_id is null or is_missing_txn_at
                then 'missing_required_field'
            when has_unreadable_timestamp then 'invalid_timestamp'
            when {{ is_future_timestamp('txn_at') }} then 'future_timestamp'
            {# Negative amounts are how a return is written; on a sale they are a fault. #}
            when receipt_type = 'sale' and (paid_amount < 0 or gross_amount < 0)
                then 'negative_amount_not_return'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from flagged
)

select * from checked
