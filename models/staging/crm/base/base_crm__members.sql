{#
    One row per raw loyalty-card row, typed and normalised, with the reason it cannot be used
    (if any). The card number, phone and unionid leave as keyed pseudonyms of their normalised
    value, so the member key is `<program>:<member_card_pseudonym>`; the name does not leave
    (it is in the `pii` area).
#}
with

members as (
    select * from {{ source('crm', 'members') }}
    {{ new_raw_rows(source('crm', 'members')) }}
),

trimmed as (
    select
        {{ clean_text(to_halfwidth('member_card_no')) }} as member_card_no,
        {{ clean_enum('program') }} as program,  -- noqa: RF04
        {{ clean_text('name') }} as member_name,
        phone,
        {{ clean_enum('gender') }} as gender,
        {{ clean_text('birth_date') }} as birth_date,
        {{ clean_text('unionid') }} as unionid,
        {{ clean_text('enrolled_store_id') }} as enrolled_store_id,
        {{ clean_text('enrolled_at') }} as enrolled_at,
        {{ clean_enum('tier') }} as tier,
        {{ clean_enum('status') }} as status,
        {{ clean_text('updated_at') }} as updated_at,
        _source_file,
        _row_number
    from members
),

typed as (
    select
        member_card_no,
        program,
        unionid,
        enrolled_store_id,
        {{ normalize_phone('phone') }} as phone,
        {{ phone_invalid_reason('phone') }} as phone_invalid_reason,
        {%- set no_masked_phone = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
        case
            when not {{ has_broken_encoding('member_name') }}
                then {{ consignee_key(normalize_phone('phone'), no_masked_phone, 'member_name') }}
        end as member_consignee,
        case
            when gender in ('m', 'male') then 'male'
            when gender in ('f', 'female') then 'female'
        end as gender,
        tier,
        status,
        {{ has_broken_encoding('member_name') }} as has_broken_encoding,
        {# A birth date is an optional attribute: an unreadable one is dropped, not fatal. #}
        {{ parse_date('birth_date') }} as birth_date,
        {{ parse_timestamp('enrolled_at') }} as enrolled_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        (enrolled_at is not null and {{ parse_timestamp('enrolled_at') }} is null)
        or (
            updated_at is not null and {{ parse_timestamp('updated_at') }} is null
        ) as has_unreadable_timestamp,
        (
            program not in ('store_card', 'wechat_card')
            or gender not in ('m', 'male', 'f', 'female')
            or tier not in ('basic', 'silver', 'gold', 'platinum')
            or status not in ('active', 'frozen', 'cancelled')
        ) as has_unreadable_value,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        case
            when program is not null and member_card_no is not null
                then {{ dbt.concat(["program", "':'", pseudonymize('member_card_no')]) }}
        end as member_id,
        {{ pseudonymize('member_card_no') }} as member_card_pseudonym,
        {{ pseudonymize('phone') }} as phone_pseudonym,
        {{ pseudonymize('unionid') }} as unionid_pseudonym,
        {{ pseudonymize('member_consignee') }} as member_consignee_pseudonym,
        program,
        enrolled_store_id,
        phone_invalid_reason,
        gender,
        tier,
        status,
        has_broken_encoding,
        birth_date,
        enrolled_at,
        updated_at,
        case
            when member_card_no is null or program is null then 'missing_required_field'
            when has_unreadable_timestamp then 'invalid_timestamp'
            when {{ is_future_timestamp('enrolled_at') }} then 'future_timestamp'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from typed
)

select * from checked
