#include "experiment/metrics.hpp"

#include <limits>

namespace hedgesim {

MetricRecorder::MetricRecorder(const CompiledModel& m, std::vector<MetricDef> metrics)
    : m_(&m), defs_(std::move(metrics)), acc_(defs_.size()), crossed_(defs_.size()) {}

void MetricRecorder::reset(int width) {
  series_.resize(width);
  for (std::size_t j = 0; j < defs_.size(); ++j) {
    const MetricDef& d = defs_[j];
    switch (d.stat) {
      case Statistic::min:
        acc_[j].setConstant(width, std::numeric_limits<double>::infinity());
        break;
      case Statistic::max:
        acc_[j].setConstant(width, -std::numeric_limits<double>::infinity());
        break;
      case Statistic::first_below:
      case Statistic::first_above:
        acc_[j].setConstant(width, d.censored_days);
        crossed_[j].setConstant(width, false);
        break;
      default:
        acc_[j].setZero(width);
    }
  }
}

void MetricRecorder::observe(int k, const Batch& b) {
  const Eigen::Index w = b.width;
  for (std::size_t j = 0; j < defs_.size(); ++j) {
    const MetricDef& d = defs_[j];
    if (k < d.step_from || k > d.step_to) continue;
    using CMap = Eigen::Map<const Eigen::ArrayXd>;
    if (d.minus_row >= 0)
      series_ = CMap(b.row(d.row), w) - CMap(b.row(d.minus_row), w);
    else
      series_ = CMap(b.row(d.row), w);
    Eigen::ArrayXd& a = acc_[j];
    switch (d.stat) {
      case Statistic::at:
      case Statistic::final:
      case Statistic::series:  // resolve_metrics makes a series `at` metrics; kept for -Wswitch
        a = series_;
        break;
      case Statistic::mean:
        a += series_;
        break;
      case Statistic::min:
        a = a.min(series_);
        break;
      case Statistic::max:
        a = a.max(series_);
        break;
      case Statistic::first_below:
      case Statistic::first_above: {
        const auto now = d.stat == Statistic::first_below ? (series_ < d.threshold).eval()
                                                          : (series_ > d.threshold).eval();
        const double days = m_->date_of_step(k).days - d.from.days;
        a = (now && !crossed_[j]).select(days, a);
        crossed_[j] = crossed_[j] || now;
        break;
      }
    }
  }
}

double MetricRecorder::value(int metric, int column) const {
  const MetricDef& d = defs_[metric];
  const double v = acc_[metric](column);
  return d.stat == Statistic::mean ? v / (d.step_to - d.step_from + 1) : v;
}

void run_metrics(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run, int count,
                 MetricRecorder& recorder, Batch& b, Workspace& ws, double* out) {
  init_batch(m, seed, first_run, count, b, ws);
  recorder.reset(b.width);
  recorder.observe(0, b);
  for (int k = 1; k <= m.steps; ++k) {
    step(m, k, b, ws, nullptr);
    recorder.observe(k, b);
  }
  const int n = recorder.size();
  for (int r = 0; r < count; ++r)
    for (int j = 0; j < n; ++j)
      out[r * n + j] = recorder.value(j, r);
}

}  // namespace hedgesim
