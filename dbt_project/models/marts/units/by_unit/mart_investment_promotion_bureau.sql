{{ unit_mart('investment_promotion_bureau') }}
