{#
    Fails on every row where `expression` is not true (false or null), optionally only among
    the rows that satisfy `where`. A null result counts as a failure: an invariant that cannot
    be evaluated has not been shown to hold.
#}
{% test expression_is_true(model, expression, where=none) %}

select *
from {{ model }}
where
    not coalesce({{ expression }}, false)
    {%- if where %}
    and ({{ where }})
    {%- endif %}

{% endtest %}
