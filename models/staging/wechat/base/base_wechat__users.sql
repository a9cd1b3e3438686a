{#
    One row per raw WeChat profile row, typed and normalised, with the reason it cannot be
    used (if any). An openid only means something within its appid, so the profile key
    `wechat_user_id` joins the appid to the openid's pseudonym. Identifiers leave as keyed
    pseudonyms of their normalised value; the nickname does not leave (it is in `pii`).
#}
with

users as (
    select * from {{ source('wechat', 'users') }}
    {{ new_raw_rows(source('wechat', 'users')) }}
),

trimmed as (
    select
        {{ clean_text('openid') }} as openid,
        {{ clean_text('appid') }} as appid,
        {{ clean_text('unionid') }} as unionid,
        {{ clean_text('nickname') }} as nickname,
        {{ clean_enum(to_halfwidth('gender')) }} as gender_code,
        {{ clean_text('birth_date') }} as birth_date,
        phone,
        {{ clean_enum('register_scene') }} as register_scene,
        {{ clean_text('register_store_id') }} as register_store_id,
        {{ clean_text('registered_at') }} as registered_at,
        {{ clean_text('updated_at') }} as updated_at,
        _source_file,
        _row_number
    from users
),

typed as (
    select
        openid,
        appid,
        unionid,
        register_store_id,
        {# WeChat codes gender 1 / 2 / 0; form exports sometimes spell it out. #}
        case
            when gender_code in ('1', 'm', 'male', '男') then 'male'
            when gender_code in ('2', 'f', 'female', '女') then 'female'
            when gender_code is null or gender_code in ('0', 'unknown', '未知') then 'unknown'
        end as gender,
        {{ normalize_phone('phone') }} as phone,
        {{ phone_invalid_reason('phone') }} as phone_invalid_reason,
        register_scene,
        {{ has_broken_encoding('nickname') }} as has_broken_encoding,
        {# A birth date that cannot be read or cannot be true is dropped, not the profile. #}
        birth_date is not null
        and coalesce(
            {{ parse_date('birth_date') }} not between cast('1900-01-01' as date)
            and cast({{ current_local_timestamp() }} as date),
            true
        ) as has_invalid_birth_date,
        case
            when
                {{ parse_date('birth_date') }} between cast('1900-01-01' as date)
                and cast({{ current_local_timestamp() }} as date)
                then {{ parse_date('birth_date') }}
        end as birth_date,
        {{ parse_timestamp('registered_at') }} as registered_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {# Raw text kept only to tell an empty value from an unreadable one. #}
        gender_code,
        registered_at as registered_at_text,
        updated_at as updated_at_text,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        *,
        case
            when openid is null or appid is null then 'missing_required_field'
            when
                (registered_at_text is not null and registered_at is null)
                or (updated_at_text is not null and updated_at is null)
                then 'invalid_timestamp'
            when
                gender is null
                or register_scene not in ('store_qr', 'ad', 'share', 'search', 'other')
                then 'invalid_value'
        end as reject_reason
    from typed
),

final as (
    select
        {{ dbt.concat(["appid", "':'", pseudonymize('openid')]) }} as wechat_user_id,
        {{ pseudonymize('openid') }} as openid_pseudonym,
        {{ pseudonymize('unionid') }} as unionid_pseudonym,
        {{ pseudonymize('phone') }} as phone_pseudonym,
        appid,
        register_store_id,
        gender,
        phone_invalid_reason,
        register_scene,
        has_broken_encoding,
        has_invalid_birth_date,
        birth_date,
        registered_at,
        updated_at,
        reject_reason,
        _source_file,
        _row_number
    from checked
)

select * from final
