with

responses as (
    select * from {{ ref('int_survey_responses_located') }}
),

area_spends as (
    select * from {{ ref('int_area_spends_aggregated') }}
),

levels as (
    select
        'province' as area_level,
        1 as level_depth
    union all
    select
        'city' as area_level,
        2 as level_depth
    union all
    select
        'district' as area_level,
        3 as level_depth
),

responses_by_level as (
    select
        levels.area_level,
        responses.province,
        case when levels.level_depth >= 2 then responses.city end as city,
        case when levels.level_depth >= 3 then responses.district end as district,
        responses.preferred_channel,
        responses.price_importance,
        responses.experience_importance
    from responses
    cross join levels
    where responses.district is not null
),

stated_aggregated as (
    select
        area_level,
        province,
        city,
        district,
        count(*) as response_count,
        sum(case when preferred_channel = 'online' then 1 else 0 end) as online_answer_count,
        sum(case when preferred_channel = 'offline' then 1 else 0 end) as offline_answer_count,
        sum(case when preferred_channel = 'both' then 1 else 0 end) as both_answer_count,
        avg(cast(price_importance as double)) as mean_price_importance,
        avg(cast(experience_importance as double)) as mean_experience_importance
    from responses_by_level
    group by 1, 2, 3, 4
),

revealed as (
    select * from area_spends
    where area_level in ('province', 'city', 'district')
),

joined as (
    select
        revealed.area_id,
        revealed.area_level,
        revealed.province,
        revealed.city,
        revealed.district,
        coalesce(stated_aggregated.response_count, 0) as response_count,
        cast(stated_aggregated.online_answer_count as double)
        / nullif(stated_aggregated.response_count, 0) as stated_online_share,
        cast(stated_aggregated.offline_answer_count as double)
        / nullif(stated_aggregated.response_count, 0) as stated_offline_share,
        cast(stated_aggregated.both_answer_count as double)
        / nullif(stated_aggregated.response_count, 0) as stated_both_share,
        {# `both` is half online: comparable with an online share of spend. #}
        (
            cast(stated_aggregated.online_answer_count as double)
            + 0.5 * cast(stated_aggregated.both_answer_count as double)
        )
        / nullif(stated_aggregated.response_count, 0) as stated_online_preference,
        stated_aggregated.mean_price_importance,
        stated_aggregated.mean_experience_importance,
        revealed.customer_count,
        cast(revealed.online_net_amount as double)
        / nullif(cast(revealed.online_net_amount + revealed.offline_net_amount as double), 0)
            as revealed_online_share_of_spend,
        cast(revealed.sales_discount_amount as double)
        / nullif(cast(revealed.sales_gross_amount as double), 0) as revealed_discount_rate,
        cast(revealed.full_price_paid_amount as double)
        / nullif(cast(revealed.sales_line_paid_amount as double), 0)
            as revealed_full_price_share
    from revealed
    left join stated_aggregated
        on
            revealed.area_level = stated_aggregated.area_level
            and revealed.province = stated_aggregated.province
            and coalesce(revealed.city, '') = coalesce(stated_aggregated.city, '')
            and coalesce(revealed.district, '') = coalesce(stated_aggregated.district, '')
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

        -- numerics
        cast({{ suppress_small_cell('response_count', 'response_count') }} as bigint)
            as response_count,
        cast(
            {{ suppress_small_cell('stated_online_share', 'response_count') }} as double
        ) as stated_online_share,
        cast(
            {{ suppress_small_cell('stated_offline_share', 'response_count') }} as double
        ) as stated_offline_share,
        cast(
            {{ suppress_small_cell('stated_both_share', 'response_count') }} as double
        ) as stated_both_share,
        cast(
            {{ suppress_small_cell('stated_online_preference', 'response_count') }} as double
        ) as stated_online_preference,
        cast(
            {{ suppress_small_cell('mean_price_importance', 'response_count') }} as double
        ) as mean_price_importance,
        cast(
            {{ suppress_small_cell('mean_experience_importance', 'response_count') }} as double
        ) as mean_experience_importance,
        cast({{ suppress_small_cell('customer_count', 'customer_count') }} as bigint)
            as customer_count,
        cast(
            {{ suppress_small_cell('revealed_online_share_of_spend', 'customer_count') }}
            as double
        ) as revealed_online_share_of_spend,
        cast(
            {{ suppress_small_cell('revealed_discount_rate', 'customer_count') }} as double
        ) as revealed_discount_rate,
        cast(
            {{ suppress_small_cell('revealed_full_price_share', 'customer_count') }} as double
        ) as revealed_full_price_share,
        cast(
            case
                when response_count >= {{ var('datong_min_cell_count') }}
                    then {{ suppress_small_cell(
                        'stated_online_preference - revealed_online_share_of_spend',
                        'customer_count'
                    ) }}
            end as double
        ) as stated_minus_revealed_online,

        -- booleans
        {{ is_small_cell('response_count') }} as is_survey_suppressed,
        {{ is_small_cell('customer_count') }} as is_behaviour_suppressed
    from joined
)

select * from final
