with

stores as (
    select * from {{ source('pos', 'stores') }}
),

trimmed as (
    select
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('store_name') }} as store_name,
        {{ clean_enum('store_format') }} as store_format,
        {{ clean_text('province') }} as province,
        {{ clean_text('city') }} as city,
        {{ clean_text('district') }} as district,
        {{ clean_text('street') }} as street,
        {{ clean_text('address') }} as address,
        {{ clean_text(to_halfwidth('latitude')) }} as latitude,
        {{ clean_text(to_halfwidth('longitude')) }} as longitude,
        {{ clean_text(to_halfwidth('floor_area_sqm')) }} as floor_area_sqm,
        {{ clean_text('opened_at') }} as opened_at,
        {{ clean_text('closed_at') }} as closed_at,
        _source_file,
        _row_number
    from stores
),

typed as (
    select
        store_id,
        store_name,
        store_format,
        province,
        city,
        district,
        street,
        address,
        {# Stores are surveyed on Chinese maps: their coordinates are already GCJ-02. #}
        {{ parse_double('latitude') }} as latitude,
        {{ parse_double('longitude') }} as longitude,
        {{ parse_decimal('floor_area_sqm') }} as floor_area_sqm,
        coalesce(
            {{ parse_date('opened_at') }}, cast({{ parse_timestamp('opened_at') }} as date)
        ) as opened_date,
        coalesce(
            {{ parse_date('closed_at') }}, cast({{ parse_timestamp('closed_at') }} as date)
        ) as closed_date,
        store_format not in ('flagship', 'mall', 'street', 'outlet') as is_unknown_format,
        {# The dates decide whether a store trades, so an unreadable one is not guessed. #}
        (
            opened_at is not null
            and {{ parse_date('opened_at') }} is null
            and {{ parse_timestamp('opened_at') }} is null
        ) or (
            closed_at is not null
            and {{ parse_date('closed_at') }} is null
            and {{ parse_timestamp('closed_at') }} is null
        ) as has_unreadable_date,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        store_id,
        store_name,
        store_format,
        province,
        city,
        district,
        street,
        address,
        latitude,
        longitude,
        floor_area_sqm,
        closed_date is null as is_open,
        opened_date,
        closed_date,
        case
            when store_id is null then 'missing_required_field'
            when has_unreadable_date then 'invalid_timestamp'
            when is_unknown_format then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from typed
)

select * from checked
