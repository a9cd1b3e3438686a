with

area_spends as {{ not_materialized() }} (
    select * from {{ ref('int_area_spends_aggregated') }}
),

overall_mix as (
    {# The benchmark: all located customers' spend (every one of them has a district). #}
    select
        cast(sum(online_net_amount) as double)
        / nullif(cast(sum(online_net_amount + offline_net_amount) as double), 0)
            as overall_online_share
    from area_spends
    where area_level = 'district'
),

areas_indexed as (
    select
        area_spends.*,
        cast(area_spends.online_net_amount as double)
        / nullif(
            cast(area_spends.online_net_amount + area_spends.offline_net_amount as double), 0
        ) as online_share_of_spend,
        cast(area_spends.omnichannel_customer_count as double)
        / nullif(cast(area_spends.customer_count as double), 0) as omnichannel_customer_share,
        overall_mix.overall_online_share
    from area_spends
    cross join overall_mix
),

areas_scored as (
    select
        *,
        100.0 * online_share_of_spend / nullif(overall_online_share, 0)
            as online_preference_index
    from areas_indexed
),

areas_labelled as (
    select
        *,
        case
            when online_preference_index is null then null
            when online_preference_index >= {{ var('datong_geo_online_leaning_index') }}
                then 'online_leaning'
            when online_preference_index <= {{ var('datong_geo_offline_leaning_index') }}
                then 'offline_leaning'
            else 'balanced'
        end as channel_preference
    from areas_scored
),

areas_targeted as (
    select
        *,
        case channel_preference
            when 'online_leaning' then 'online'
            when 'offline_leaning' then 'offline'
            when 'balanced' then 'omnichannel'
        end as target_channel
    from areas_labelled
),

final as (
    select
        -- ids
        area_id,

        -- strings
        area_level,
        province,
        city,
        district,
        street,
        {{ suppress_small_cell('channel_preference', 'customer_count') }} as channel_preference,
        {{ suppress_small_cell('target_channel', 'customer_count') }} as target_channel,

        -- numerics
        {{ suppress_small_cell('customer_count', 'customer_count') }} as customer_count,
        {{ suppress_small_cell('online_only_customer_count', 'customer_count') }}
            as online_only_customer_count,
        {{ suppress_small_cell('offline_only_customer_count', 'customer_count') }}
            as offline_only_customer_count,
        {{ suppress_small_cell('omnichannel_customer_count', 'customer_count') }}
            as omnichannel_customer_count,
        {{ suppress_small_cell('online_net_amount', 'customer_count') }} as online_net_amount,
        {{ suppress_small_cell('offline_net_amount', 'customer_count') }} as offline_net_amount,
        cast(
            {{ suppress_small_cell('omnichannel_customer_share', 'customer_count') }} as double
        ) as omnichannel_customer_share,
        cast(
            {{ suppress_small_cell('online_share_of_spend', 'customer_count') }} as double
        ) as online_share_of_spend,
        cast(overall_online_share as double) as overall_online_share,
        cast(
            {{ suppress_small_cell('online_preference_index', 'customer_count') }} as double
        ) as online_preference_index,

        -- booleans
        {{ is_small_cell('customer_count') }} as is_suppressed
    from areas_targeted
)

select * from final
