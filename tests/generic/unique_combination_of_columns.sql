{#
    Fails for every combination of the given columns that occurs on more than one row (a
    composite key). Nulls compare equal here, as in `group by`.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set column_list = combination_of_columns | join(', ') -%}

with

duplicated as (
    select
        {{ column_list }},
        count(*) as row_count
    from {{ model }}
    group by {{ column_list }}
    having count(*) > 1
)

select * from duplicated

{% endtest %}
