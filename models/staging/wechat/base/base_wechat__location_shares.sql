{#
    One row per raw location share, typed, with the point converted to GCJ-02 (the system of
    Chinese maps and of the stores' coordinates) and the reason it cannot be used (if any).
    A share whose latitude and longitude were exchanged is recognised because only the
    exchanged pair is a valid point in China; it is swapped back and flagged. The openid and
    the device fingerprint leave as keyed pseudonyms.
#}
with

location_shares as (
    select * from {{ source('wechat', 'location_shares') }}
    {{ new_raw_rows(source('wechat', 'location_shares')) }}
),

trimmed as (
    select
        {{ clean_text('share_id') }} as location_share_id,
        {{ clean_text('openid') }} as openid,
        {{ clean_text('appid') }} as appid,
        {{ clean_text('device_id') }} as device_id,
        {{ clean_text('latitude') }} as latitude,
        {{ clean_text('longitude') }} as longitude,
        {{ clean_enum('coord_system') }} as coord_system,
        {{ clean_text('accuracy_m') }} as accuracy_m,
        {{ clean_text('province') }} as province,
        {{ clean_text('city') }} as city,
        {{ clean_text('district') }} as district,
        {{ clean_text('street') }} as street,
        {{ clean_text('shared_at') }} as shared_at,
        _source_file,
        _row_number
    from location_shares
),

typed as (
    select
        location_share_id,
        openid,
        appid,
        device_id,
        coord_system,
        province,
        city,
        district,
        street,
        {{ parse_double('latitude') }} as source_latitude,
        {{ parse_double('longitude') }} as source_longitude,
        {{ parse_decimal('accuracy_m') }} as accuracy_m,
        {{ parse_timestamp('shared_at') }} as shared_at,
        {# Raw text kept only to tell an empty value from an unreadable one. #}
        latitude as latitude_text,
        longitude as longitude_text,
        accuracy_m as accuracy_m_text,
        shared_at as shared_at_text,
        _source_file,
        _row_number
    from trimmed
),

swap_detected as (
    select
        *,
        coalesce(
            (abs(source_latitude) > 90 and abs(source_longitude) <= 90)
            or (
                not {{ is_in_china_bounds('source_latitude', 'source_longitude') }}
                and {{ is_in_china_bounds('source_longitude', 'source_latitude') }}
            ),
            false
        ) as is_coordinate_swapped
    from typed
),

swapped_back as (
    select
        *,
        case
            when is_coordinate_swapped then source_longitude else source_latitude
        end as fixed_latitude,
        case
            when is_coordinate_swapped then source_latitude else source_longitude
        end as fixed_longitude
    from swap_detected
),

converted as (
    select
        *,
        {{ to_gcj02_latitude('fixed_latitude', 'fixed_longitude', 'coord_system') }} as latitude,
        {{ to_gcj02_longitude('fixed_latitude', 'fixed_longitude', 'coord_system') }} as longitude
    from swapped_back
),

checked as (
    select
        *,
        case
            when
                location_share_id is null
                or openid is null
                or latitude_text is null
                or longitude_text is null
                or shared_at_text is null
                then 'missing_required_field'
            when shared_at is null then 'invalid_timestamp'
            when {{ is_future_timestamp('shared_at') }} then 'future_timestamp'
            when
                coord_system is null or coord_system not in ('wgs84', 'gcj02', 'bd09')
                then 'unknown_coordinate_system'
            when
                source_latitude is not null
                and source_longitude is not null
                and not {{ is_in_china_bounds('fixed_latitude', 'fixed_longitude') }}
                then 'coordinates_out_of_range'
            when
                source_latitude is null
                or source_longitude is null
                or (accuracy_m_text is not null and accuracy_m is null)
                or accuracy_m < 0
                then 'invalid_value'
        end as reject_reason
    from converted
),

final as (
    select
        location_share_id,
        {{ dbt.concat(["appid", "':'", pseudonymize('openid')]) }} as wechat_user_id,
        {{ pseudonymize('openid') }} as openid_pseudonym,
        {{ pseudonymize('device_id') }} as device_pseudonym,
        appid,
        coord_system,
        province,
        city,
        district,
        street,
        {# Converted coordinates only where the point is usable; six decimals (about
           0.1 m) is finer than any phone's accuracy and keeps both engines identical. #}
        case when reject_reason is null then round(latitude, 6) end as latitude,
        case when reject_reason is null then round(longitude, 6) end as longitude,
        source_latitude,
        source_longitude,
        accuracy_m,
        is_coordinate_swapped,
        shared_at,
        reject_reason,
        _source_file,
        _row_number
    from checked
)

select * from final
